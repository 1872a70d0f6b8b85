// How an image's pixel origins (demo/domain/provenance.ts) are stored, so that a draw writes
// as few database pages as the pixels alone. The 8 KiB of slots have their own row in
// `image_origins`, written only when a draw changes them (a stroke drawn again over itself does
// not). The record of the image's last draw lives in the images row, in `last_origin`, next to
// `updated_at` that every draw rewrites anyway: on the same page, and of the same length from
// draw to draw so that SQLite overwrites the row in place. The records of earlier draws still
// shown by some pixel are in `pixel_origins`, one row per slot.
import { blankOrigins, type PixelOrigin } from '../domain/provenance.ts'

/** What a draw reads and hands back to the store: the slots, and the last draw's record. */
export interface StoredOrigins {
  slots: Uint16Array
  last: string | null
}

/** The record of one draw and the slot its pixels point at. */
export interface SlotOrigin {
  slot: number
  origin: PixelOrigin
}

// Slots as stored: 16-bit little-endian, the byte order of every platform Node runs on here.
// The driver's buffer is read in place when aligned (it is its own allocation), else copied.
export function readSlots(blob: Buffer | null): Uint16Array {
  const slots = blankOrigins()
  if (blob?.length !== slots.byteLength) return slots
  if (blob.byteOffset % 2 === 0) return new Uint16Array(blob.buffer, blob.byteOffset, slots.length)
  new Uint8Array(slots.buffer).set(blob)
  return slots
}

export const slotBytes = (slots: Uint16Array) => Buffer.from(slots.buffer, slots.byteOffset, slots.byteLength)

// `last_origin` is one line of space-separated fields (none holds a space: hex ids, an ISO time,
// a command type, "speaker" or an attendee's short id), the slot padded so the length stays put.
export function encodeLastOrigin({ slot, origin }: SlotOrigin): string {
  return `${String(slot).padStart(4, '0')} ${origin.traceId} ${origin.spanId} ${origin.time} ${origin.commandType} ${origin.client}`
}

export function decodeLastOrigin(text: string | null): SlotOrigin | undefined {
  if (!text) return undefined
  const [slot, traceId, spanId, time, commandType, client] = text.split(' ') as [string, string, string, string, PixelOrigin['commandType'], string]
  return { slot: Number(slot), origin: { traceId, spanId, time, commandType, client } }
}
