import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { applyCommand, type Command } from '../../demo/domain/board.js'
import { DATABASE_FILE, openDatabase } from '../../demo/storage/database.ts'
import { createImageStore } from '../../demo/storage/image-store.ts'

const trace = (n: number) => n.toString(16).padStart(32, '0')

/** A file as the version before this one wrote it: the 8 KiB of origin slots in the images row. */
function fileWithSlotsInTheImagesRow(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'database-'))
  const db = new Database(join(dataDir, DATABASE_FILE))
  db.exec(`
    CREATE TABLE images (id TEXT PRIMARY KEY, pixels BLOB NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
      update_count INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT 'speaker', origins BLOB) STRICT;
    CREATE TABLE pixel_origins (image_id TEXT NOT NULL, slot INTEGER NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL,
      time TEXT NOT NULL, command_type TEXT NOT NULL, client TEXT NOT NULL, PRIMARY KEY (image_id, slot)) STRICT, WITHOUT ROWID;
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

describe('a database file from an earlier version', () => {
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
    store.transaction(() => {
      const { image, pixels, origins } = store.load('old')!
      applyCommand(pixels, command)
      store.writePixels(image, pixels, new Date().toISOString(), { origins, command, traceId: trace(3), spanId: 'b7ad6b7169203332', client: 'speaker' })
    })
    expect(store.origin('old', 5, 6)?.traceId).toBe(trace(3))
    expect(store.origin('old', 7, 7)?.traceId).toBe(trace(3))
    expect(store.origin('old', 3, 4)?.traceId).toBe(trace(2))
    store.close()
  })
})
