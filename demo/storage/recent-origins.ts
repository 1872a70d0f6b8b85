// The records of an image's latest draws, kept in its images row (`recent_origins`) beside
// `updated_at`, which every draw rewrites anyway: recording a draw there costs no page of its
// own. The area has a fixed size, so SQLite overwrites the row in place and writes only the
// pages whose bytes change. When it is full, the records some pixel still shows move to
// `pixel_origins` together, as they are (52 bytes each): successive draws took successive slots,
// so they land on one or two pages of that table, once every RECENT_ORIGINS draws instead of a
// page every draw.
import type { Command } from '../domain/board.js'
import type { PixelOrigin } from '../domain/provenance.ts'

/** The record of one draw and the slot its pixels point at. */
export interface SlotOrigin {
  slot: number
  origin: PixelOrigin
}

export const RECENT_ORIGINS = 16

// One record, 52 bytes: slot (u16 LE, 0 for an empty place), command type, the client's length,
// trace id (16 bytes), span id (8), time (ms since the epoch, f64 LE), client (ASCII, 16 at most).
const RECORD_BYTES = 52
const COMMAND_TYPES: Command['command_type'][] = ['draw', 'clear_canvas']
const CLIENT_BYTES = 16

export const emptyRecentOrigins = () => Buffer.alloc(RECENT_ORIGINS * RECORD_BYTES)

const slotAt = (recent: Buffer, place: number) => recent.readUInt16LE(place * RECORD_BYTES)

/** How many records the area holds: they fill it from the start, oldest first. */
function recordCount(recent: Buffer): number {
  let count = 0
  while (count < RECENT_ORIGINS && slotAt(recent, count) !== 0) count++
  return count
}

function decode(recent: Buffer, place: number): PixelOrigin {
  const at = place * RECORD_BYTES
  return {
    commandType: COMMAND_TYPES[recent[at + 2]!]!,
    traceId: recent.toString('hex', at + 4, at + 20),
    spanId: recent.toString('hex', at + 20, at + 28),
    time: new Date(recent.readDoubleLE(at + 28)).toISOString(),
    client: recent.toString('latin1', at + 36, at + 36 + recent[at + 3]!),
  }
}

function encode(recent: Buffer, place: number, { slot, origin }: SlotOrigin): void {
  if (origin.client.length > CLIENT_BYTES) throw new Error(`client id longer than ${CLIENT_BYTES} characters: ${origin.client}`)
  const at = place * RECORD_BYTES
  recent.fill(0, at, at + RECORD_BYTES)
  recent.writeUInt16LE(slot, at)
  recent[at + 2] = COMMAND_TYPES.indexOf(origin.commandType)
  recent[at + 3] = origin.client.length
  recent.write(origin.traceId, at + 4, 16, 'hex')
  recent.write(origin.spanId, at + 20, 8, 'hex')
  recent.writeDoubleLE(Date.parse(origin.time), at + 28)
  recent.write(origin.client, at + 36, CLIENT_BYTES, 'latin1')
}

/** One draw's record on its own, as `pixel_origins` keeps it. */
export function encodeRecord(record: SlotOrigin): Buffer {
  const bytes = Buffer.alloc(RECORD_BYTES)
  encode(bytes, 0, record)
  return bytes
}

/** What a record from `pixel_origins` says. */
export const decodeRecord = (record: Buffer): PixelOrigin => decode(record, 0)

/** The slot a record names. */
export const recordSlot = (record: Buffer): number => slotAt(record, 0)

/** The slot of the latest draw, 0 when there is none since the image was created or cleared. */
export function latestRecentSlot(recent: Buffer): number {
  const count = recordCount(recent)
  return count === 0 ? 0 : slotAt(recent, count - 1)
}

/** The record of `slot`, if a recent draw took it. */
export function findRecentOrigin(recent: Buffer, slot: number): PixelOrigin | undefined {
  for (let place = recordCount(recent) - 1; place >= 0; place--) {
    if (slotAt(recent, place) === slot) return decode(recent, place)
  }
  return undefined
}

/**
 * Adds the record of a draw to the area, in place. A record of the same slot goes: no pixel
 * shows it any more, or the draw could not have taken its slot. When the area is full, it is
 * emptied first, and those of its records whose slot `isShown` are returned, oldest first, for
 * the caller to keep (copies, see `decodeRecord`).
 */
export function addRecentOrigin(recent: Buffer, record: SlotOrigin, isShown: (slot: number) => boolean): Buffer[] {
  let count = recordCount(recent)
  for (let place = 0; place < count; place++) {
    if (slotAt(recent, place) !== record.slot) continue
    recent.copyWithin(place * RECORD_BYTES, (place + 1) * RECORD_BYTES, count * RECORD_BYTES)
    count--
    recent.fill(0, count * RECORD_BYTES, (count + 1) * RECORD_BYTES)
    break
  }
  const evicted: Buffer[] = []
  if (count === RECENT_ORIGINS) {
    for (let place = 0; place < count; place++) {
      if (isShown(slotAt(recent, place))) evicted.push(Buffer.from(recent.subarray(place * RECORD_BYTES, (place + 1) * RECORD_BYTES)))
    }
    recent.fill(0)
    count = 0
  }
  encode(recent, count, record)
  return evicted
}
