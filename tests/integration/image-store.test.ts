import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { applyCommand, blankPixels, type Command } from '../../demo/domain/board.js'
import { DATABASE_FILE, openDatabase } from '../../demo/storage/database.ts'
import { createImageStore, type ImageStore } from '../../demo/storage/image-store.ts'
import { RECENT_ORIGINS } from '../../demo/storage/recent-origins.ts'

const trace = (n: number) => n.toString(16).padStart(32, '0')

function draw(store: ImageStore, cells: [number, number][], traceId: string, after: () => void = () => {}): void {
  const command: Command = { command_type: 'draw', values: cells.map(([x, y]) => [x, y, 1, 2, 3]) }
  apply(store, command, traceId, after)
}

function apply(store: ImageStore, command: Command, traceId: string, after: () => void = () => {}): void {
  store.transaction(() => {
    const { image, pixels, origins } = store.load('img')!
    applyCommand(pixels, command)
    store.writePixels(image, pixels, new Date().toISOString(), { origins, command, traceId, spanId: traceId.slice(16), client: 'speaker' })
    after()
  })
}

function newStore(dataDir = mkdtempSync(join(tmpdir(), 'image-store-'))) {
  return { dataDir, store: createImageStore(openDatabase(dataDir)) }
}

describe('the image store keeps who painted each pixel', () => {
  it('names the last draw and earlier draws still shown, after a reopen too', () => {
    const { dataDir, store } = newStore()
    store.insert('img', blankPixels(), new Date().toISOString(), 'speaker')
    draw(store, [[1, 1], [2, 2]], trace(1))
    draw(store, [[2, 2]], trace(2))
    store.close()

    const reopened = newStore(dataDir).store
    expect(reopened.origin('img', 1, 1)?.traceId).toBe(trace(1))
    expect(reopened.origin('img', 2, 2)?.traceId).toBe(trace(2))
    expect(reopened.origin('img', 3, 3)).toBeNull()
    reopened.close()
  })

  it('sees the draws of another replica sharing the file, not the slots it had before them', () => {
    const { dataDir, store: mine } = newStore()
    const theirs = newStore(dataDir).store
    mine.insert('img', blankPixels(), new Date().toISOString(), 'speaker')
    draw(mine, [[1, 1]], trace(1))
    draw(theirs, [[1, 1], [2, 2]], trace(2))
    expect(mine.origin('img', 2, 2)?.traceId).toBe(trace(2))
    draw(mine, [[3, 3]], trace(3))
    expect(theirs.origin('img', 1, 1)?.traceId).toBe(trace(2))
    expect(theirs.origin('img', 3, 3)?.traceId).toBe(trace(3))
    mine.close()
    theirs.close()
  })

  it('forgets a draw rolled back after it was written', () => {
    const { store } = newStore()
    store.insert('img', blankPixels(), new Date().toISOString(), 'speaker')
    draw(store, [[1, 1]], trace(1))
    const rollBack = () => {
      throw new Error('rolled back')
    }
    expect(() => draw(store, [[1, 1], [2, 2]], trace(2), rollBack)).toThrow('rolled back')
    expect(store.origin('img', 2, 2)).toBeNull()
    expect(store.origin('img', 1, 1)?.traceId).toBe(trace(1))
    draw(store, [[3, 3]], trace(3))
    expect(store.origin('img', 2, 2)).toBeNull()
    expect(store.origin('img', 1, 1)?.traceId).toBe(trace(1))
    store.close()
  })

  it('moves earlier draws’ records out of the images row once its area is full, and finds them there after a reopen', () => {
    const { dataDir, store } = newStore()
    store.insert('img', blankPixels(), new Date().toISOString(), 'speaker')
    const strokes = 3 * RECENT_ORIGINS + 5
    for (let n = 0; n < strokes; n++) draw(store, [[n % 64, Math.floor(n / 64)], [n % 64, 63]], trace(n + 1))
    store.close()

    const reopened = newStore(dataDir).store
    for (let n = 0; n < strokes; n++) {
      expect(reopened.origin('img', n % 64, Math.floor(n / 64))?.traceId).toBe(trace(n + 1))
    }
    // A stroke's second pixel, on the bottom row, shares its record.
    expect(reopened.origin('img', 3, 63)?.traceId).toBe(trace(4))
    reopened.close()
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
    const kept = db.prepare("SELECT COUNT(*) FROM pixel_origins WHERE image_id = 'img'").pluck().get() as number
    db.close()
    expect(kept).toBeGreaterThan(2 * RECENT_ORIGINS - 1)
    expect(kept).toBeLessThan(strokes)
  })

  it('serves the pixels exactly as painted, and forgets every origin on a clear', () => {
    const { dataDir, store } = newStore()
    store.insert('img', blankPixels(), new Date().toISOString(), 'speaker')
    const expected = blankPixels()
    const commands: Command[] = [
      { command_type: 'draw', values: [[0, 0, 9, 8, 7], [63, 63, 1, 2, 3], [17, 40, 200, 100, 50]] },
      ...Array.from({ length: 2 * RECENT_ORIGINS }, (_, n): Command => ({ command_type: 'draw', values: [[n, n, n, 255 - n, 7]] })),
    ]
    commands.forEach((command, n) => {
      applyCommand(expected, command)
      apply(store, command, trace(n + 1))
    })
    expect(Buffer.from(store.pixels('img')!).equals(Buffer.from(expected))).toBe(true)

    apply(store, { command_type: 'clear_canvas' }, trace(99))
    expect(Buffer.from(store.pixels('img')!).equals(Buffer.from(blankPixels()))).toBe(true)
    for (const [x, y] of [[0, 0], [63, 63], [17, 40], [5, 5]] as const) expect(store.origin('img', x, y)).toBeNull()
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
    expect(db.prepare("SELECT COUNT(*) FROM pixel_origins WHERE image_id = 'img'").pluck().get()).toBe(0)
    db.close()
    draw(store, [[5, 5]], trace(100))
    expect(store.origin('img', 5, 5)?.traceId).toBe(trace(100))
    expect(store.origin('img', 0, 0)).toBeNull()
    store.close()
  })

  it('keeps at most 4 097 records an image however long the talk, each pixel naming its last draw', () => {
    const { dataDir, store } = newStore()
    store.insert('img', blankPixels(), new Date().toISOString(), 'speaker')
    const lastDraw = new Map<number, number>()
    let seed = 15
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let n = 1; n <= 6000; n++) {
      const start = Math.floor(random() * 4096)
      const pixels = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, k) => (start + k) % 4096)
      draw(store, pixels.map((pixel) => [pixel % 64, Math.floor(pixel / 64)]), trace(n))
      for (const pixel of pixels) lastDraw.set(pixel, n)
    }
    for (const [pixel, n] of lastDraw) expect(store.origin('img', pixel % 64, Math.floor(pixel / 64))?.traceId).toBe(trace(n))
    store.close()
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
    expect(db.prepare("SELECT COUNT(*) FROM pixel_origins WHERE image_id = 'img'").pluck().get()).toBeLessThanOrEqual(4097)
    db.close()
  })
})
