// Which command last painted each pixel, kept compactly beside the pixels: a parallel array of
// 4096 slots (one per pixel, 0 when not painted since the image was created or cleared), each
// slot naming one of the image's origin records. A draw takes a slot no pixel outside it uses
// any more (its pixels' own, when it paints over all of them, else the next free one after the
// previous draw's), so an image never needs more records than it has strokes still visible (4097
// at most), however long the talk, and a pixel's record is never overwritten while the pixel
// points at it. Taking the slots in turn gives successive draws successive slots: their records,
// stored together, share a database page. Pure: no I/O.
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
 * pixels at a free slot, the first after `previous` (the slot of the image's previous draw),
 * and returns it. `origins` is changed in place.
 */
export function recordOrigins(origins: Uint16Array, command: Command, previous = 0): number {
  if (command.command_type === 'clear_canvas') {
    origins.fill(0)
    return 0
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
  // itself keeps its slot, and the 4096 slots are not scanned for a free one.
  const slot = shared > 0 && origins.indexOf(shared) === -1 ? shared : nextFreeSlot(origins, previous)
  for (const pixel of painted) origins[pixel] = slot
  return slot
}

/** The slot of pixel (x, y), 0 when it was not painted since the image was created or cleared. */
export function originSlot(origins: Uint16Array, x: number, y: number): number {
  return origins[y * BOARD_SIZE + x] ?? 0
}

/** Which slots some pixel points at: shown[slot] is 1 when its record is still on the board. */
export function shownSlots(origins: Uint16Array): Uint8Array {
  const shown = new Uint8Array(ORIGIN_SLOTS + 1)
  for (let i = 0; i < origins.length; i++) shown[origins[i]!] = 1
  return shown
}

// One bit per slot, allocated once: a draw only reads the 4096 slots and clears the bits again.
const used = new Uint32Array(Math.ceil((ORIGIN_SLOTS + 1) / 32))

function nextFreeSlot(origins: Uint16Array, previous: number): number {
  // Most slots are free while the board shows fewer strokes than it has pixels: the one after
  // the previous draw's usually is, found by a native search instead of marking every slot.
  const after = (previous % ORIGIN_SLOTS) + 1 // past the last slot, start again from the first
  if (origins.indexOf(after) === -1) return after
  used.fill(0)
  for (let i = 0; i < origins.length; i++) {
    const slot = origins[i]!
    used[slot >>> 5]! |= 1 << (slot & 31)
  }
  used[0]! |= 1 // slot 0 means "not painted"
  return firstFreeFrom(after) ?? firstFreeFrom(1)!
}

/** The lowest free slot from `start` on, if any. */
function firstFreeFrom(start: number): number | undefined {
  // The bits below `start` in its word count as used.
  let free = ~used[start >>> 5]! & (~0 << (start & 31))
  for (let word = start >>> 5; word < used.length; free = ~used[++word]!) {
    if (free === 0) continue
    const slot = word * 32 + (31 - Math.clz32(free & -free))
    return slot <= ORIGIN_SLOTS ? slot : undefined
  }
  return undefined
}
