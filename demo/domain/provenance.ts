// Which command last painted each pixel, kept compactly beside the pixels: a parallel array of
// 4096 slots (one per pixel, 0 when not painted since the image was created or cleared), each
// slot naming one of the image's origin records. A draw takes a slot no pixel uses any more, so
// an image never needs more than 4097 records, however long the talk: the table stays small and
// a pixel's record is never overwritten while the pixel still points at it. Pure: no I/O.
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
 * Records that `command` painted: a clear forgets every origin (returns 0); a draw points its
 * pixels at a free slot, searched from `hint` round the ring (so recent records are reused last),
 * and returns that slot. `origins` is changed in place.
 */
export function recordOrigins(origins: Uint16Array, command: Command, hint: number): number {
  if (command.command_type === 'clear_canvas') {
    origins.fill(0)
    return 0
  }
  const slot = freeSlot(origins, hint)
  for (const [x, y] of command.values) {
    if (x < 0 || x >= BOARD_SIZE || y < 0 || y >= BOARD_SIZE) continue
    origins[y * BOARD_SIZE + x] = slot
  }
  return slot
}

/** The slot of pixel (x, y), 0 when it was not painted since the image was created or cleared. */
export function originSlot(origins: Uint16Array, x: number, y: number): number {
  return origins[y * BOARD_SIZE + x] ?? 0
}

function freeSlot(origins: Uint16Array, hint: number): number {
  const used = new Uint8Array(ORIGIN_SLOTS + 1)
  for (const slot of origins) used[slot] = 1
  const start = (((Math.floor(hint) % ORIGIN_SLOTS) + ORIGIN_SLOTS) % ORIGIN_SLOTS) + 1
  for (let step = 0; step < ORIGIN_SLOTS; step++) {
    const slot = ((start - 1 + step) % ORIGIN_SLOTS) + 1
    if (!used[slot]) return slot
  }
  // Unreachable: 4096 pixels use at most 4096 of the 4097 slots.
  throw new Error('no free origin slot')
}
