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
    owner TEXT NOT NULL DEFAULT 'speaker'
  ) STRICT;
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
  addOwnerColumn(db)
  return db
}

/**
 * A file from before image ownership gets the column, every existing image the speaker's.
 * Replicas open the file at once: the loser of the race finds the column there.
 */
function addOwnerColumn(db: Database.Database): void {
  const columns = db.pragma('table_info(images)') as { name: string }[]
  if (columns.some((column) => column.name === 'owner')) return
  try {
    db.exec(`ALTER TABLE images ADD COLUMN owner TEXT NOT NULL DEFAULT 'speaker'`)
  } catch (error) {
    if (!/duplicate column/.test((error as Error).message)) throw error
  }
}
