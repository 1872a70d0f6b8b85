import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyCommand, blankPixels, type Command } from '../../demo/domain/board.js'
import { openDatabase } from '../../demo/storage/database.ts'
import { createImageStore, type ImageStore } from '../../demo/storage/image-store.ts'

const trace = (n: number) => n.toString(16).padStart(32, '0')

function draw(store: ImageStore, cells: [number, number][], traceId: string, after: () => void = () => {}): void {
  const command: Command = { command_type: 'draw', values: cells.map(([x, y]) => [x, y, 1, 2, 3]) }
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
})
