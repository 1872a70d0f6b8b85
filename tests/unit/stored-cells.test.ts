import { describe, expect, it } from 'vitest'
import { applyCommand, blankPixels, PIXEL_BYTES, type Command } from '../../demo/domain/board.js'
import { blankSlots, originsOf, recordOrigins } from '../../demo/domain/provenance.ts'
import { CELLS_BYTES, cellSlot, emptyBoard, readCells, readPixels, updateCells, writeCells } from '../../demo/storage/stored-cells.ts'

/** A board whose every pixel and slot differs from its neighbours'. */
function patternedBoard() {
  const pixels = blankPixels()
  for (let byte = 0; byte < PIXEL_BYTES; byte++) pixels[byte] = (byte * 7) % 256
  const slots = blankSlots()
  for (let pixel = 0; pixel < slots.length; pixel++) slots[pixel] = (pixel * 13) % 4098
  return { pixels, slots }
}

describe('stored cells', () => {
  it('keep each board row’s RGB pixels, then their 16-bit slots, 320 bytes a row', () => {
    const board = patternedBoard()
    const cells = writeCells(board)
    expect(cells.length).toBe(CELLS_BYTES)
    const [x, y] = [5, 7]
    expect([...cells.subarray(y * 320 + x * 3, y * 320 + x * 3 + 3)]).toEqual([...board.pixels.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)])
    expect(cells.readUInt16LE(y * 320 + 192 + x * 2)).toBe(board.slots[y * 64 + x])
    expect(cellSlot(cells, x, y)).toBe(board.slots[y * 64 + x])
  })

  it('give back exactly the 12 288 RGB bytes of the API and the slots they were written from', () => {
    const board = patternedBoard()
    const cells = writeCells(board)
    expect(Buffer.from(readPixels(cells)).equals(Buffer.from(board.pixels))).toBe(true)
    const read = readCells(cells, emptyBoard())
    expect(read.pixels.length).toBe(PIXEL_BYTES)
    expect(Buffer.from(read.pixels).equals(Buffer.from(board.pixels))).toBe(true)
    expect(read.slots).toEqual(board.slots)
  })

  it('after a draw or a clear, updated in place, equal the cells written afresh', () => {
    const board = patternedBoard()
    const cells = writeCells(board)
    const commands: Command[] = [
      { command_type: 'draw', values: [[0, 0, 1, 2, 3], [63, 63, 4, 5, 6], [10, 20, 7, 8, 9], [10, 20, 9, 9, 9]] },
      { command_type: 'clear_canvas' },
      { command_type: 'draw', values: [[31, 32, 255, 0, 0]] },
    ]
    let previous = 0
    for (const command of commands) {
      const read = readCells(cells, emptyBoard())
      applyCommand(read.pixels, command)
      previous = recordOrigins(originsOf(read.slots), command, previous)
      updateCells(cells, read, command)
      expect(cells.equals(writeCells(read))).toBe(true)
    }
  })
})
