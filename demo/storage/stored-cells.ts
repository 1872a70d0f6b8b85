// How an image's pixels and their origin slots (demo/domain/provenance.ts) are stored: one blob,
// `cells`, board row by board row, each row's 64 RGB pixels (192 bytes) followed by their 64
// 16-bit slots (128 bytes). A stroke changes its pixels' colours and their slots a few bytes
// apart, on the same database page (SQLite writes only the pages of a blob whose bytes change),
// where slots kept apart from the pixels cost a page of their own. The API's pixel format
// (12 288 RGB bytes, row-major) is cut out of it row by row.
import { BOARD_SIZE, PIXEL_BYTES, type Command } from '../domain/board.js'

const RGB_ROW = BOARD_SIZE * 3
const SLOT_ROW = BOARD_SIZE * 2
const CELL_ROW = RGB_ROW + SLOT_ROW
const SLOT_BYTES = SLOT_ROW * BOARD_SIZE

/** 20 480 bytes: 64 rows of 320. */
export const CELLS_BYTES = CELL_ROW * BOARD_SIZE

/** The pixels in the API's format and their slots, as the domain reads and paints them. */
export interface Board {
  pixels: Uint8Array
  slots: Uint16Array
}

/** Room for one board, in one allocation. */
export function emptyBoard(): Board {
  const bytes = Buffer.alloc(PIXEL_BYTES + SLOT_BYTES)
  // Slots as stored: 16-bit little-endian, the byte order of every platform Node runs on here.
  return { pixels: bytes.subarray(0, PIXEL_BYTES), slots: new Uint16Array(bytes.buffer, bytes.byteOffset + PIXEL_BYTES, SLOT_BYTES / 2) }
}

/** Copies the pixels and their slots out of the stored cells into `board`. */
export function readCells(cells: Buffer, board: Board): Board {
  const slotBytes = Buffer.from(board.slots.buffer, board.slots.byteOffset, SLOT_BYTES)
  for (let row = 0; row < BOARD_SIZE; row++) {
    const start = row * CELL_ROW
    cells.copy(board.pixels, row * RGB_ROW, start, start + RGB_ROW)
    cells.copy(slotBytes, row * SLOT_ROW, start + RGB_ROW, start + CELL_ROW)
  }
  return board
}

/** The pixels alone, in a buffer of their own. */
export function readPixels(cells: Buffer): Buffer {
  const pixels = Buffer.allocUnsafe(PIXEL_BYTES)
  for (let row = 0; row < BOARD_SIZE; row++) cells.copy(pixels, row * RGB_ROW, row * CELL_ROW, row * CELL_ROW + RGB_ROW)
  return pixels
}

/** The cells to store for a board. */
export function writeCells({ pixels, slots }: Board): Buffer {
  const cells = Buffer.allocUnsafe(CELLS_BYTES)
  copyAllInto(cells, pixels, slots)
  return cells
}

/**
 * Brings the cells `board` was read from up to date after `command`, in place: a draw changed
 * only its own pixels and their slots, so only those are copied back.
 */
export function updateCells(cells: Uint8Array, { pixels, slots }: Board, command: Command): void {
  if (command.command_type !== 'draw') return copyAllInto(cells, pixels, slots)
  for (const [x, y] of command.values) {
    const pixel = y * BOARD_SIZE + x
    const rgbAt = y * CELL_ROW + x * 3
    cells[rgbAt] = pixels[pixel * 3]!
    cells[rgbAt + 1] = pixels[pixel * 3 + 1]!
    cells[rgbAt + 2] = pixels[pixel * 3 + 2]!
    const slotAt = y * CELL_ROW + RGB_ROW + x * 2
    cells[slotAt] = slots[pixel]! & 0xff
    cells[slotAt + 1] = slots[pixel]! >>> 8
  }
}

function copyAllInto(cells: Uint8Array, pixels: Uint8Array, slots: Uint16Array): void {
  const slotBytes = new Uint8Array(slots.buffer, slots.byteOffset, SLOT_BYTES)
  for (let row = 0; row < BOARD_SIZE; row++) {
    const start = row * CELL_ROW
    cells.set(pixels.subarray(row * RGB_ROW, (row + 1) * RGB_ROW), start)
    cells.set(slotBytes.subarray(row * SLOT_ROW, (row + 1) * SLOT_ROW), start + RGB_ROW)
  }
}

/** The slot of pixel (x, y), read from the stored cells without copying them. */
export function cellSlot(cells: Uint8Array, x: number, y: number): number {
  const at = y * CELL_ROW + RGB_ROW + x * 2
  return cells[at]! | (cells[at + 1]! << 8)
}
