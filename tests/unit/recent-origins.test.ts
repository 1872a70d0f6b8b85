import { describe, expect, it } from 'vitest'
import type { PixelOrigin } from '../../demo/domain/provenance.ts'
import {
  addRecentOrigin,
  decodeRecord,
  emptyRecentOrigins,
  encodeRecord,
  findRecentOrigin,
  latestRecentSlot,
  RECENT_ORIGINS,
  recordSlot,
} from '../../demo/storage/recent-origins.ts'

const origin = (n: number, client = 'speaker'): PixelOrigin => ({
  traceId: n.toString(16).padStart(32, '0'),
  spanId: (n + 1).toString(16).padStart(16, 'f'),
  time: new Date(Date.UTC(2026, 11, 5, 13, 0, 0, n)).toISOString(),
  commandType: 'draw',
  client,
})

const shown = () => true

describe('the latest draws’ records in the images row', () => {
  it('give back each record exactly, an attendee’s too, and the latest slot', () => {
    const recent = emptyRecentOrigins()
    expect(latestRecentSlot(recent)).toBe(0)
    expect(addRecentOrigin(recent, { slot: 7, origin: origin(1) }, shown)).toEqual([])
    expect(addRecentOrigin(recent, { slot: 4097, origin: origin(2, 'a-Zx_9-abc') }, shown)).toEqual([])
    expect(findRecentOrigin(recent, 7)).toEqual(origin(1))
    expect(findRecentOrigin(recent, 4097)).toEqual(origin(2, 'a-Zx_9-abc'))
    expect(findRecentOrigin(recent, 8)).toBeUndefined()
    expect(latestRecentSlot(recent)).toBe(4097)
  })

  it('keep one record a slot: a draw taking a slot replaces its record, and becomes the latest', () => {
    const recent = emptyRecentOrigins()
    addRecentOrigin(recent, { slot: 1, origin: origin(1) }, shown)
    addRecentOrigin(recent, { slot: 2, origin: origin(2) }, shown)
    addRecentOrigin(recent, { slot: 1, origin: origin(3) }, shown)
    expect(findRecentOrigin(recent, 1)).toEqual(origin(3))
    expect(latestRecentSlot(recent)).toBe(1)
    // Drawn again and again over itself, a stroke never fills the area.
    for (let n = 0; n < 3 * RECENT_ORIGINS; n++) expect(addRecentOrigin(recent, { slot: 1, origin: origin(n) }, shown)).toEqual([])
  })

  it('when full, hand back their records still shown, oldest first, and keep only the new one', () => {
    const recent = emptyRecentOrigins()
    for (let slot = 1; slot <= RECENT_ORIGINS; slot++) expect(addRecentOrigin(recent, { slot, origin: origin(slot) }, shown)).toEqual([])
    const evicted = addRecentOrigin(recent, { slot: 100, origin: origin(100) }, (slot) => slot !== 2)
    expect(evicted.map((record) => ({ slot: recordSlot(record), origin: decodeRecord(record) }))).toEqual(
      Array.from({ length: RECENT_ORIGINS }, (_, n) => ({ slot: n + 1, origin: origin(n + 1) })).filter(({ slot }) => slot !== 2),
    )
    // Copies: emptying the area and writing the new record left them as they were.
    expect(evicted[0]!.equals(encodeRecord({ slot: 1, origin: origin(1) }))).toBe(true)
    expect(findRecentOrigin(recent, 1)).toBeUndefined()
    expect(findRecentOrigin(recent, 100)).toEqual(origin(100))
    expect(latestRecentSlot(recent)).toBe(100)
    expect(recent.length).toBe(emptyRecentOrigins().length)
  })
})
