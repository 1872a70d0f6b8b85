import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { blankOrigins, ORIGIN_SLOTS, originSlot, recordOrigins } from '../../demo/domain/provenance.ts'

const draw = (cells: [number, number][]) => ({ command_type: 'draw' as const, values: cells.map(([x, y]) => [x, y, 0, 0, 0] as const) })

describe('pixel origins', () => {
  it('points the painted pixels at a fresh slot and leaves the others alone', () => {
    const origins = blankOrigins()
    const { slot, changed } = recordOrigins(origins, draw([[1, 2], [3, 4]]))
    expect(changed).toBe(true)
    expect(slot).toBeGreaterThan(0)
    expect(originSlot(origins, 1, 2)).toBe(slot)
    expect(originSlot(origins, 3, 4)).toBe(slot)
    expect(originSlot(origins, 0, 0)).toBe(0)
  })

  it('forgets every origin on a clear', () => {
    const origins = blankOrigins()
    expect(recordOrigins(origins, { command_type: 'clear_canvas' }).changed).toBe(false)
    recordOrigins(origins, draw([[1, 2]]))
    expect(recordOrigins(origins, { command_type: 'clear_canvas' })).toEqual({ slot: 0, changed: true })
    expect(origins.every((slot) => slot === 0)).toBe(true)
  })

  it('never hands out a slot a pixel still points at, so each pixel keeps its last draw (property)', () => {
    const cell = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 7 }))
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 600 }), (strokes) => {
        const origins = blankOrigins()
        const drawOfSlot = new Map<number, number>()
        const lastDraw = new Map<string, number>()
        strokes.forEach((cells, n) => {
          const { slot } = recordOrigins(origins, draw(cells))
          expect(slot).toBeGreaterThanOrEqual(1)
          expect(slot).toBeLessThanOrEqual(ORIGIN_SLOTS)
          drawOfSlot.set(slot, n)
          for (const [x, y] of cells) lastDraw.set(`${x},${y}`, n)
        })
        for (const [key, n] of lastDraw) {
          const [x, y] = key.split(',').map(Number)
          expect(drawOfSlot.get(originSlot(origins, x!, y!))).toBe(n)
        }
      }),
      { numRuns: 50 },
    )
  })

  it('reuses the lowest slot no pixel outside the draw points at, so the records stay few', () => {
    const origins = blankOrigins()
    expect(recordOrigins(origins, draw([[0, 0], [1, 1]])).slot).toBe(1)
    expect(recordOrigins(origins, draw([[0, 0]])).slot).toBe(2)
    expect(recordOrigins(origins, draw([[1, 1]])).slot).toBe(1)
    expect(recordOrigins(origins, draw([[5, 5]])).slot).toBe(3)
    expect(recordOrigins(origins, draw([[0, 0]])).slot).toBe(2)
  })

  it('keeps the slot of a stroke drawn again over itself, so the stored slots do not change', () => {
    const origins = blankOrigins()
    recordOrigins(origins, draw([[9, 9]]))
    const stroke = draw([[1, 1], [2, 2], [3, 3]])
    const { slot } = recordOrigins(origins, stroke)
    const before = origins.slice()
    expect(recordOrigins(origins, stroke)).toEqual({ slot, changed: false })
    expect(origins).toEqual(before)
    expect(recordOrigins(origins, draw([[1, 1], [2, 2]])).changed).toBe(true)
  })

  it('finds a free slot even when every pixel is painted and the draw frees none', () => {
    const origins = blankOrigins()
    for (let n = 1; n < 4096; n++) recordOrigins(origins, draw([[n % 64, Math.floor(n / 64)]]))
    recordOrigins(origins, draw([[0, 0], [1, 0]]))
    const slots = new Set(origins)
    expect(slots.size).toBe(4095)
    // (0, 0) shares its slot with (1, 0): painting it over frees nothing.
    const next = recordOrigins(origins, draw([[0, 0]])).slot
    expect(slots.has(next)).toBe(false)
    expect(next).toBeLessThanOrEqual(ORIGIN_SLOTS)
  })
})
