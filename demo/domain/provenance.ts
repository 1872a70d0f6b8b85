// Which command last painted each pixel, kept compactly beside the pixels: a parallel array of
// 4096 slots (one per pixel, 0 when not painted since the image was created or cleared), each
// slot naming one of the image's origin records. A draw takes a slot no pixel outside it uses
// any more (its pixels' own, when it paints over all of them, else the lowest free one), so an
// image never needs more records than it has strokes still visible (4097 at most), however long
// the talk, and a pixel's record is never overwritten while the pixel points at it. Reusing the
// lowest slots keeps the records' rows on the same few database pages: a draw rewrites a row
// SQLite already holds instead of one further down the table. Pure: no I/O.
import { BOARD_SIZE, type Command } from './board.js'

/** Slots 1 to ORIGIN_SLOTS: one more than the pixels, so a draw always finds a free one. */
export const ORIGIN_SLOTS = BOARD_SIZE * BOARD_SIZE + 1

/** Who painted: the trace and span of the command, and the client ("speaker" or an attendee's short id). */
export interface Painter {
  traceId: string
  spanId: string
  client: string
}

/** What GET /api/images/:id/provenance answers. */
export interface PixelOrigin extends Painter {
  time: string
  commandType: Command['command_type']
}

/** A new or cleared image: no pixel painted. */
export function blankOrigins(): Uint16Array {
  return new Uint16Array(BOARD_SIZE * BOARD_SIZE)
}

/**
 * Records that `command` painted: a clear forgets every origin (slot 0); a draw points its
 * pixels at a free slot. `origins` is changed in place; `changed` says whether any
 * slot differs from before, i.e. whether the stored slots need writing.
 */
export function recordOrigins(origins: Uint16Array, command: Command): { slot: number; changed: boolean } {
  if (command.command_type === 'clear_canvas') {
    const changed = origins.some((slot) => slot !== 0)
    origins.fill(0)
    return { slot: 0, changed }
  }
  const painted: number[] = []
  let shared = -1 // the slot every painted pixel had; -2 once they differ
  for (const [x, y] of command.values) {
    if (x < 0 || x >= BOARD_SIZE || y < 0 || y >= BOARD_SIZE) continue
    const pixel = y * BOARD_SIZE + x
    shared = shared === -1 || shared === origins[pixel] ? origins[pixel]! : -2
    painted.push(pixel)
  }
  for (const pixel of painted) origins[pixel] = 0
  // A draw that covers every pixel of its pixels' one slot takes it: a stroke drawn again over
  // itself keeps its slot, the stored slots do not change, and the 4096 slots are not scanned.
  const slot = shared > 0 && origins.indexOf(shared) === -1 ? shared : lowestFreeSlot(origins)
  for (const pixel of painted) origins[pixel] = slot
  return { slot, changed: painted.length > 0 && shared !== slot }
}

/** The slot of pixel (x, y), 0 when it was not painted since the image was created or cleared. */
export function originSlot(origins: Uint16Array, x: number, y: number): number {
  return origins[y * BOARD_SIZE + x] ?? 0
}

// One bit per slot, allocated once: a draw only reads the 4096 slots and clears the bits again.
const used = new Uint32Array(Math.ceil((ORIGIN_SLOTS + 1) / 32))

function lowestFreeSlot(origins: Uint16Array): number {
  used.fill(0)
  for (let i = 0; i < origins.length; i++) {
    const slot = origins[i]!
    used[slot >>> 5]! |= 1 << (slot & 31)
  }
  used[0]! |= 1 // slot 0 means "not painted"
  for (let word = 0; word < used.length; word++) {
    const free = ~used[word]!
    if (free !== 0) {
      const slot = word * 32 + (31 - Math.clz32(free & -free))
      if (slot <= ORIGIN_SLOTS) return slot
    }
  }
  // Unreachable: 4096 pixels use at most 4096 of the 4097 slots.
  throw new Error('no free origin slot')
}
