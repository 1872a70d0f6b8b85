import { describe, expect, it } from 'vitest'
import type { ImageMeta } from '../../demo/domain/image.ts'
import { RowsAfterLastDraw } from '../../demo/storage/rows-after-last-draw.ts'

const drawn = (id: string, updateCount = 1, updatedAt = '2026-12-06T20:00:00.000Z'): ImageMeta => ({ id, createdAt: updatedAt, updatedAt, updateCount })

describe('RowsAfterLastDraw', () => {
  it('gives back the row of the last draw here, once', () => {
    const rows = new RowsAfterLastDraw<string>(10)
    rows.keep(drawn('a'), 'row of a')
    expect(rows.take(drawn('a'))).toBe('row of a')
    expect(rows.take(drawn('a'))).toBeUndefined()
  })

  it('gives nothing when another draw came since, here or on another replica', () => {
    const rows = new RowsAfterLastDraw<string>(10)
    rows.keep(drawn('a', 1), 'row of a')
    expect(rows.take(drawn('a', 2))).toBeUndefined()
    rows.keep(drawn('a', 2), 'row of a')
    expect(rows.take(drawn('a', 2, '2026-12-06T20:00:01.000Z'))).toBeUndefined()
  })

  it('holds at most its capacity, the images drawn on longest ago leaving first: deleted by another replica, they never say so', () => {
    const rows = new RowsAfterLastDraw<string>(10)
    for (let n = 0; n < 1000; n++) rows.keep(drawn(`gone-${n}`), `row ${n}`)
    expect(rows.size).toBe(10)
    expect(rows.take(drawn('gone-989'))).toBeUndefined()
    expect(rows.take(drawn('gone-990'))).toBe('row 990')
    expect(rows.take(drawn('gone-999'))).toBe('row 999')
  })

  it('keeps an image drawn on again as the most recent', () => {
    const rows = new RowsAfterLastDraw<string>(2)
    rows.keep(drawn('a'), 'a')
    rows.keep(drawn('b'), 'b')
    rows.keep(drawn('a', 2), 'a again')
    rows.keep(drawn('c'), 'c')
    expect(rows.take(drawn('b'))).toBeUndefined()
    expect(rows.take(drawn('a', 2))).toBe('a again')
  })

  it('forgets a deleted image', () => {
    const rows = new RowsAfterLastDraw<string>(10)
    rows.keep(drawn('a'), 'row of a')
    rows.forget('a')
    expect(rows.size).toBe(0)
  })
})
