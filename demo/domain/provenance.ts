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

/**
 * An image's slots, one per pixel, and for each slot how many pixels point at it, kept in step by
 * `recordOrigins`: whether a slot is free or still shown is one read, not a pass over the 4096.
 */
export interface Origins {
  slots: Uint16Array
  pixelsOf: Uint16Array
}

/** The slots of a new or cleared image: no pixel painted. */
export function blankSlots(): Uint16Array {
  return new Uint16Array(BOARD_SIZE * BOARD_SIZE)
}

/** Origins over `slots` (not copied): counts its slots' pixels once. */
export function originsOf(slots: Uint16Array): Origins {
  const pixelsOf = new Uint16Array(ORIGIN_SLOTS + 1)
  for (let i = 0; i < slots.length; i++) pixelsOf[slots[i]!]! += 1
  return { slots, pixelsOf }
}

/** A new or cleared image's origins. */
export function blankOrigins(): Origins {
  return originsOf(blankSlots())
}

// The draw that last painted each pixel, numbered here: a command's repeated pixels are found
// without a set, or a pass to clear one, per draw.
const paintedIn = new Uint32Array(BOARD_SIZE * BOARD_SIZE)
let draws = 0
function nextDraw(): number {
  if (draws === 0xffffffff) {
    paintedIn.fill(0)
    draws = 0
  }
  return ++draws
}

/**
 * Records that `command` painted: a clear forgets every origin (slot 0); a draw points its
 * pixels at a free slot, the first after `previous` (the slot of the image's previous draw),
 * and returns it. `origins` is changed in place.
 */
export function recordOrigins({ slots, pixelsOf }: Origins, command: Command, previous = 0): number {
  if (command.command_type === 'clear_canvas') {
    slots.fill(0)
    pixelsOf.fill(0)
    pixelsOf[0] = slots.length
    return 0
  }
  const painted: number[] = []
  const draw = nextDraw()
  let shared = -1 // the slot every painted pixel had; -2 once they differ
  for (const [x, y] of command.values) {
    if (x < 0 || x >= BOARD_SIZE || y < 0 || y >= BOARD_SIZE) continue
    const pixel = y * BOARD_SIZE + x
    if (paintedIn[pixel] === draw) continue // a pixel given twice counts once
    paintedIn[pixel] = draw
    shared = shared === -1 || shared === slots[pixel] ? slots[pixel]! : -2
    pixelsOf[slots[pixel]!]! -= 1
    painted.push(pixel)
  }
  // A draw that covers every pixel of its pixels' one slot takes it: a stroke drawn again over
  // itself keeps its slot.
  const slot = shared > 0 && pixelsOf[shared] === 0 ? shared : nextFreeSlot(pixelsOf, previous)
  for (const pixel of painted) slots[pixel] = slot
  pixelsOf[slot]! += painted.length
  return slot
}

/** The slot of pixel (x, y), 0 when it was not painted since the image was created or cleared. */
export function originSlot({ slots }: Origins, x: number, y: number): number {
  return slots[y * BOARD_SIZE + x] ?? 0
}

/** Whether some pixel still points at `slot`: its record is still on the board. */
export function isShown({ pixelsOf }: Origins, slot: number): boolean {
  return slot > 0 && pixelsOf[slot]! > 0
}

/** The first slot after `previous` that no pixel points at (past the last slot, from the first again). */
function nextFreeSlot(pixelsOf: Uint16Array, previous: number): number {
  for (let step = 1; step <= ORIGIN_SLOTS; step++) {
    const slot = ((previous + step - 1) % ORIGIN_SLOTS) + 1
    if (pixelsOf[slot] === 0) return slot
  }
  // Unreachable: there is one more slot than pixels.
  throw new Error('no free origin slot')
}
