import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { blankOrigins, isShown, ORIGIN_SLOTS, originsOf, originSlot, recordOrigins } from '../../demo/domain/provenance.ts'

const draw = (cells: [number, number][]) => ({ command_type: 'draw' as const, values: cells.map(([x, y]) => [x, y, 0, 0, 0] as const) })

describe('pixel origins', () => {
  it('points the painted pixels at a fresh slot and leaves the others alone', () => {
    const origins = blankOrigins()
    const slot = recordOrigins(origins, draw([[1, 2], [3, 4]]))
    expect(slot).toBeGreaterThan(0)
    expect(originSlot(origins, 1, 2)).toBe(slot)
    expect(originSlot(origins, 3, 4)).toBe(slot)
    expect(originSlot(origins, 0, 0)).toBe(0)
  })

  it('forgets every origin on a clear', () => {
    const origins = blankOrigins()
    recordOrigins(origins, draw([[1, 2]]))
    expect(recordOrigins(origins, { command_type: 'clear_canvas' })).toBe(0)
    expect(origins.slots.every((slot) => slot === 0)).toBe(true)
  })

  it('never hands out a slot a pixel still points at, so each pixel keeps its last draw (property)', () => {
    const cell = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 7 }))
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 600 }), (strokes) => {
        const origins = blankOrigins()
        const drawOfSlot = new Map<number, number>()
        const lastDraw = new Map<string, number>()
        let previous = 0
        strokes.forEach((cells, n) => {
          const slot = recordOrigins(origins, draw(cells), previous)
          previous = slot
          expect(slot).toBeGreaterThanOrEqual(1)
          expect(slot).toBeLessThanOrEqual(ORIGIN_SLOTS)
          drawOfSlot.set(slot, n)
          for (const [x, y] of cells) lastDraw.set(`${x},${y}`, n)
        })
        for (const [key, n] of lastDraw) {
          const [x, y] = key.split(',').map(Number)
          expect(drawOfSlot.get(originSlot(origins, x!, y!))).toBe(n)
        }
        // The pixel counts kept in step equal the slots counted afresh (strokes repeat pixels).
        expect(origins.pixelsOf).toEqual(originsOf(origins.slots.slice()).pixelsOf)
      }),
      { numRuns: 50 },
    )
  })

  it('takes the next free slot after the one the previous draw took, so successive draws have successive slots', () => {
    const origins = blankOrigins()
    expect(recordOrigins(origins, draw([[0, 0], [1, 1]]))).toBe(1)
    expect(recordOrigins(origins, draw([[0, 0]]), 1)).toBe(2)
    expect(recordOrigins(origins, draw([[5, 5]]), 2)).toBe(3)
    // (0, 0) painted over frees slot 2, behind: the draw takes the next free one after 3.
    expect(recordOrigins(origins, draw([[0, 0], [9, 9]]), 3)).toBe(4)
    // (1, 1) alone shows slot 1: painted over, it keeps it.
    expect(recordOrigins(origins, draw([[1, 1]]), 4)).toBe(1)
  })

  it('starts again from the first slot past the last one, skipping those in use', () => {
    const origins = blankOrigins()
    expect(recordOrigins(origins, draw([[0, 0]]), ORIGIN_SLOTS - 1)).toBe(ORIGIN_SLOTS)
    expect(recordOrigins(origins, draw([[1, 0]]), ORIGIN_SLOTS)).toBe(1)
    expect(recordOrigins(origins, draw([[2, 0]]), ORIGIN_SLOTS)).toBe(2)
    expect(recordOrigins(origins, draw([[3, 0]]), 70)).toBe(71)
    recordOrigins(origins, draw([[4, 0]]), 71)
    expect(recordOrigins(origins, draw([[5, 0]]), 70)).toBe(73)
  })

  it('keeps the slot of a stroke drawn again over itself, so the stored slots do not change', () => {
    const origins = blankOrigins()
    recordOrigins(origins, draw([[9, 9]]))
    const stroke = draw([[1, 1], [2, 2], [3, 3]])
    const slot = recordOrigins(origins, stroke, 1)
    const before = origins.slots.slice()
    expect(recordOrigins(origins, stroke, slot)).toBe(slot)
    expect(origins.slots).toEqual(before)
    expect(recordOrigins(origins, draw([[1, 1], [2, 2]]), slot)).not.toBe(slot)
  })

  it('finds a free slot even when every pixel is painted and the draw frees none', () => {
    const origins = blankOrigins()
    let previous = 0
    for (let n = 1; n < 4096; n++) previous = recordOrigins(origins, draw([[n % 64, Math.floor(n / 64)]]), previous)
    previous = recordOrigins(origins, draw([[0, 0], [1, 0]]), previous)
    const slots = new Set(origins.slots)
    expect(slots.size).toBe(4095)
    // (0, 0) shares its slot with (1, 0): painting it over frees nothing.
    const next = recordOrigins(origins, draw([[0, 0]]), previous)
    expect(slots.has(next)).toBe(false)
    expect(next).toBeLessThanOrEqual(ORIGIN_SLOTS)
  })

  it('tells which slots some pixel still shows', () => {
    const origins = blankOrigins()
    const first = recordOrigins(origins, draw([[0, 0]]))
    const second = recordOrigins(origins, draw([[1, 1]]), first)
    recordOrigins(origins, draw([[0, 0], [2, 2]]), second)
    expect(isShown(origins, first)).toBe(false)
    expect(isShown(origins, second)).toBe(true)
    expect(isShown(origins, 0)).toBe(false)
  })
})
