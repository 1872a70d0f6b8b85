// Opens the SQLite file in WAL mode. With synchronous=NORMAL a commit is in the WAL file
// before the 2xx leaves, so a stroke survives a kill -9 of the process; only an OS crash or a
// power cut can lose the last commits. FULL also fsyncs each commit (~10x slower here).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export const DATABASE_FILE = 'draw64.sqlite'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS images (
    id TEXT PRIMARY KEY,
    pixels BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    update_count INTEGER NOT NULL DEFAULT 0,
    owner TEXT NOT NULL DEFAULT 'speaker',
    last_origin TEXT
  ) STRICT;
  CREATE TABLE IF NOT EXISTS image_origins (
    image_id TEXT PRIMARY KEY,
    slots BLOB NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS pixel_origins (
    image_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    time TEXT NOT NULL,
    command_type TEXT NOT NULL,
    client TEXT NOT NULL,
    PRIMARY KEY (image_id, slot)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) STRICT;
`

export type Synchronous = 'normal' | 'full'

export function openDatabase(dataDir: string, synchronous: Synchronous = 'normal'): Database.Database {
  mkdirSync(dataDir, { recursive: true })
  const db = new Database(join(dataDir, DATABASE_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`)
  // Replicas share the file: wait for a writer instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000')
  db.exec(SCHEMA)
  addMissingColumns(db)
  return db
}

/**
 * A file from an earlier version gets the columns it lacks: `owner` (every existing image the
 * speaker's) and `last_origin` (empty: its records are all in `pixel_origins`, see
 * ./image-store.ts). Replicas open the file at once: the loser of the race finds the column there.
 */
function addMissingColumns(db: Database.Database): void {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('images')
  const added = { owner: "owner TEXT NOT NULL DEFAULT 'speaker'", last_origin: 'last_origin TEXT' }
  for (const [name, definition] of Object.entries(added)) {
    if (columns.includes(name)) continue
    try {
      db.exec(`ALTER TABLE images ADD COLUMN ${definition}`)
    } catch (error) {
      if (!/duplicate column/.test((error as Error).message)) throw error
    }
  }
  if (columns.includes('origins')) moveSlotsOutOfImages(db)
}

/**
 * Earlier versions kept each image's 8 KiB of origin slots in its row, rewritten by every draw;
 * they move to `image_origins`, written only when a draw changes them. In one transaction, which
 * a replica racing to open the same file finds already done.
 */
function moveSlotsOutOfImages(db: Database.Database): void {
  const move = db.transaction(() => {
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('images')
    if (!columns.includes('origins')) return
    db.exec(`
      INSERT OR REPLACE INTO image_origins (image_id, slots) SELECT id, origins FROM images WHERE origins IS NOT NULL;
      ALTER TABLE images DROP COLUMN origins;
    `)
  })
  move.immediate()
}
