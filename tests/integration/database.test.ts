import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { applyCommand, blankPixels, type Command } from '../../demo/domain/board.js'
import { blankSlots, type PixelOrigin } from '../../demo/domain/provenance.ts'
import { DATABASE_FILE, openDatabase } from '../../demo/storage/database.ts'
import { createImageStore, type ImageStore } from '../../demo/storage/image-store.ts'
import { addRecentOrigin, emptyRecentOrigins, RECENT_ORIGINS } from '../../demo/storage/recent-origins.ts'
import { writeCells } from '../../demo/storage/stored-cells.ts'

const trace = (n: number) => n.toString(16).padStart(32, '0')

/** One draw through the store, as the image service makes it: load, paint and write in one transaction. */
function draw(store: ImageStore, id: string, command: Command, traceId: string, spanId: string): void {
  store.transaction(() => {
    const { image, pixels, origins } = store.load(id)!
    applyCommand(pixels, command)
    store.writePixels(image, pixels, new Date().toISOString(), { origins, command, traceId, spanId, client: 'speaker' })
  })
}

const TEXT_PIXEL_ORIGINS = `CREATE TABLE pixel_origins (image_id TEXT NOT NULL, slot INTEGER NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL,
      time TEXT NOT NULL, command_type TEXT NOT NULL, client TEXT NOT NULL, PRIMARY KEY (image_id, slot)) STRICT, WITHOUT ROWID;`

/**
 * A file as the version before this one wrote it: pixels and slots in `cells`, the latest records
 * in `recent_origins`, earlier ones in the text columns of `pixel_origins`.
 */
function fileWithRecordsInText(): { dataDir: string; pixels: Uint8Array; kept: PixelOrigin } {
  const dataDir = mkdtempSync(join(tmpdir(), 'database-'))
  const db = new Database(join(dataDir, DATABASE_FILE))
  db.exec(`
    CREATE TABLE images (id TEXT PRIMARY KEY, cells BLOB NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
      update_count INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT 'speaker', recent_origins BLOB NOT NULL) STRICT;
    ${TEXT_PIXEL_ORIGINS}
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  `)
  const time = '2026-01-01T00:00:00.000Z'
  const pixels = blankPixels()
  pixels.set([1, 2, 3], (4 * 64 + 3) * 3)
  pixels.set([4, 5, 6], (6 * 64 + 5) * 3)
  const slots = blankSlots()
  slots[4 * 64 + 3] = 2
  slots[6 * 64 + 5] = 1
  const recent = emptyRecentOrigins()
  addRecentOrigin(recent, { slot: 2, origin: { traceId: trace(2), spanId: 'b7ad6b7169203332', time, commandType: 'draw', client: 'a-Zx_9-abc' } }, () => true)
  db.prepare("INSERT INTO images VALUES ('old', ?, ?, ?, 2, 'speaker', ?)").run(writeCells({ pixels, slots }), time, time, recent)
  const kept: PixelOrigin = { traceId: trace(1), spanId: 'b7ad6b7169203331', time, commandType: 'draw', client: 'speaker' }
  db.prepare("INSERT INTO pixel_origins VALUES ('old', 1, ?, ?, ?, ?, ?)").run(kept.traceId, kept.spanId, kept.time, kept.commandType, kept.client)
  db.close()
  return { dataDir, pixels, kept }
}

/** A file as an earlier version wrote it: the 8 KiB of origin slots in the images row. */
function fileWithSlotsInTheImagesRow(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'database-'))
  const db = new Database(join(dataDir, DATABASE_FILE))
  db.exec(`
    CREATE TABLE images (id TEXT PRIMARY KEY, pixels BLOB NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
      update_count INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT 'speaker', origins BLOB) STRICT;
    ${TEXT_PIXEL_ORIGINS}
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  `)
  const slots = new Uint16Array(64 * 64)
  slots[4 * 64 + 3] = 2
  slots[6 * 64 + 5] = 1
  const time = '2026-01-01T00:00:00.000Z'
  db.prepare("INSERT INTO images VALUES ('old', ?, ?, ?, 2, 'speaker', ?)").run(Buffer.alloc(64 * 64 * 3, 255), time, time, Buffer.from(slots.buffer))
  db.prepare("INSERT INTO images VALUES ('blank', ?, ?, ?, 0, 'speaker', NULL)").run(Buffer.alloc(64 * 64 * 3, 255), time, time)
  const record = db.prepare("INSERT INTO pixel_origins VALUES (?, ?, ?, 'b7ad6b7169203331', ?, 'draw', 'speaker')")
  record.run('old', 1, trace(1), time)
  record.run('old', 2, trace(2), time)
  db.close()
  return dataDir
}

/**
 * A file as an earlier version wrote it: RGB pixels in the images row, the slots in
 * `image_origins`, the last draw's record in `last_origin`, earlier ones in `pixel_origins`.
 */
function fileWithSlotsInTheirOwnRow(): { dataDir: string; pixels: Buffer } {
  const dataDir = mkdtempSync(join(tmpdir(), 'database-'))
  const db = new Database(join(dataDir, DATABASE_FILE))
  db.exec(`
    CREATE TABLE images (id TEXT PRIMARY KEY, pixels BLOB NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
      update_count INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT 'speaker', last_origin TEXT) STRICT;
    CREATE TABLE image_origins (image_id TEXT PRIMARY KEY, slots BLOB NOT NULL) STRICT, WITHOUT ROWID;
    ${TEXT_PIXEL_ORIGINS}
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  `)
  const pixels = Buffer.alloc(64 * 64 * 3, 255)
  pixels.set([1, 2, 3], (4 * 64 + 3) * 3)
  pixels.set([4, 5, 6], (6 * 64 + 5) * 3)
  const slots = new Uint16Array(64 * 64)
  slots[4 * 64 + 3] = 2
  slots[6 * 64 + 5] = 1
  const time = '2026-01-01T00:00:00.000Z'
  const last = `0002 ${trace(2)} b7ad6b7169203332 ${time} draw a-Zx_9-abc`
  db.prepare("INSERT INTO images VALUES ('old', ?, ?, ?, 2, 'a-Zx_9-abc', ?)").run(pixels, time, time, last)
  db.prepare("INSERT INTO images VALUES ('blank', ?, ?, ?, 0, 'speaker', NULL)").run(Buffer.alloc(64 * 64 * 3, 255), time, time)
  db.prepare("INSERT INTO image_origins VALUES ('old', ?)").run(Buffer.from(slots.buffer))
  db.prepare("INSERT INTO pixel_origins VALUES ('old', 1, ?, 'b7ad6b7169203331', ?, 'draw', 'speaker')").run(trace(1), time)
  db.close()
  return { dataDir, pixels }
}

describe('a database file from the version before', () => {
  it('opens, twice, with each record kept as it was, then moves new ones beside it', () => {
    const { dataDir, pixels, kept } = fileWithRecordsInText()
    openDatabase(dataDir).close()
    const db = openDatabase(dataDir)
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('pixel_origins')).toEqual(['image_id', 'slot', 'record'])
    const store = createImageStore(db)
    expect(Buffer.from(store.pixels('old')!).equals(Buffer.from(pixels))).toBe(true)
    expect(store.origin('old', 5, 6)).toEqual(kept)
    expect(store.origin('old', 3, 4)?.traceId).toBe(trace(2))

    for (let n = 0; n < RECENT_ORIGINS + 1; n++) {
      const command: Command = { command_type: 'draw', values: [[n, 10, 0, 0, 0]] }
      draw(store, 'old', command, trace(10 + n), 'b7ad6b7169203333')
    }
    store.close()
    const reopened = createImageStore(openDatabase(dataDir))
    expect(reopened.origin('old', 5, 6)).toEqual(kept)
    expect(reopened.origin('old', 3, 4)?.traceId).toBe(trace(2))
    for (let n = 0; n < RECENT_ORIGINS + 1; n++) expect(reopened.origin('old', n, 10)?.traceId).toBe(trace(10 + n))
    reopened.close()
  })
})

describe('a database file from an earlier version, with the slots in their own row', () => {
  it('opens, twice, with the same pixels, owners and origins, then takes new draws', () => {
    const { dataDir, pixels } = fileWithSlotsInTheirOwnRow()
    openDatabase(dataDir).close()
    const db = openDatabase(dataDir)
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('images')).toEqual(
      ['id', 'cells', 'created_at', 'updated_at', 'update_count', 'owner', 'recent_origins'],
    )
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('image_origins')).toEqual([])
    const store = createImageStore(db)
    expect(Buffer.from(store.pixels('old')!).equals(pixels)).toBe(true)
    expect(store.get('old')).toMatchObject({ updateCount: 2, updatedAt: '2026-01-01T00:00:00.000Z' })
    expect(store.ownerOf('old')).toBe('a-Zx_9-abc')
    expect(store.origin('old', 3, 4)).toEqual({ traceId: trace(2), spanId: 'b7ad6b7169203332', time: '2026-01-01T00:00:00.000Z', commandType: 'draw', client: 'a-Zx_9-abc' })
    expect(store.origin('old', 5, 6)?.traceId).toBe(trace(1))
    expect(store.origin('old', 0, 0)).toBeNull()
    expect(store.origin('blank', 3, 4)).toBeNull()

    const command: Command = { command_type: 'draw', values: [[5, 6, 0, 0, 0], [7, 7, 0, 0, 0]] }
    draw(store, 'old', command, trace(3), 'b7ad6b7169203333')
    expect(store.origin('old', 5, 6)?.traceId).toBe(trace(3))
    expect(store.origin('old', 7, 7)?.traceId).toBe(trace(3))
    expect(store.origin('old', 3, 4)?.traceId).toBe(trace(2))
    expect([...store.pixels('old')!.subarray((6 * 64 + 5) * 3, (6 * 64 + 5) * 3 + 3)]).toEqual([0, 0, 0])
    store.close()
  })
})

describe('a database file from an earlier version, with the slots in the images row', () => {
  it('opens, twice, and keeps who painted which pixel, then takes new draws', () => {
    const dataDir = fileWithSlotsInTheImagesRow()
    openDatabase(dataDir).close()
    const db = openDatabase(dataDir)
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('images')).not.toContain('origins')
    const store = createImageStore(db)
    expect(store.origin('old', 3, 4)?.traceId).toBe(trace(2))
    expect(store.origin('old', 5, 6)?.traceId).toBe(trace(1))
    expect(store.origin('old', 0, 0)).toBeNull()
    expect(store.origin('blank', 3, 4)).toBeNull()

    const command: Command = { command_type: 'draw', values: [[5, 6, 0, 0, 0], [7, 7, 0, 0, 0]] }
    draw(store, 'old', command, trace(3), 'b7ad6b7169203332')
    expect(store.origin('old', 5, 6)?.traceId).toBe(trace(3))
    expect(store.origin('old', 7, 7)?.traceId).toBe(trace(3))
    expect(store.origin('old', 3, 4)?.traceId).toBe(trace(2))
    store.close()
  })
})

describe('the WAL between checkpoints', () => {
  /** The WAL file's size after 4 000 strokes across the board, several checkpoints' worth: the file is reused from its start after each. */
  function walAfterStrokes(dataDir: string): number {
    const store = createImageStore(openDatabase(dataDir))
    store.transaction(() => store.insert('wal', blankPixels(), new Date().toISOString(), 'speaker'))
    for (let n = 0; n < 4000; n++) {
      const command: Command = { command_type: 'draw', values: Array.from({ length: 10 }, (_, i) => [(n + i) % 64, (n * 7 + i) % 64, n % 256, 0, 0]) }
      draw(store, 'wal', command, trace(n + 1), 'b7ad6b7169203333')
    }
    const size = statSync(join(dataDir, `${DATABASE_FILE}-wal`)).size
    store.close()
    return size
  }

  it('stays near 4 MiB in a new file of 1 KiB pages, and in an older file of 4 KiB pages', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'database-'))
    const older = mkdtempSync(join(tmpdir(), 'database-'))
    const db = new Database(join(older, DATABASE_FILE))
    db.pragma('journal_mode = WAL')
    db.close()
    const pageSize = (dataDir: string) => {
      const opened = openDatabase(dataDir)
      const bytes = opened.pragma('page_size', { simple: true })
      opened.close()
      return bytes
    }
    expect(pageSize(fresh)).toBe(1024)
    expect(pageSize(older)).toBe(4096)
    for (const dataDir of [fresh, older]) {
      const size = walAfterStrokes(dataDir)
      expect(size).toBeGreaterThan(3.9 * 1024 * 1024)
      expect(size).toBeLessThan(4.2 * 1024 * 1024)
    }
  })
})
