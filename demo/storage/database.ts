// Opens the SQLite file in WAL mode. With synchronous=NORMAL a commit is in the WAL file
// before the 2xx leaves, so a stroke survives a kill -9 of the process; only an OS crash or a
// power cut can lose the last commits. FULL also fsyncs each commit (~10x slower here).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { blankSlots, type PixelOrigin } from '../domain/provenance.ts'
import { emptyRecentOrigins, encodeRecord } from './recent-origins.ts'
import { writeCells } from './stored-cells.ts'

export const DATABASE_FILE = 'draw64.sqlite'

// The images row: `cells` holds the pixels with their origin slots (./stored-cells.ts). The
// columns a draw rewrites come after it, with the latest draws' records (./recent-origins.ts):
// they end the row, on the last page of its overflow chain, with the board's bottom rows.
const IMAGES_COLUMNS = `
    id TEXT PRIMARY KEY,
    cells BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    update_count INTEGER NOT NULL DEFAULT 0,
    owner TEXT NOT NULL DEFAULT 'speaker',
    recent_origins BLOB NOT NULL
`

// The records of earlier draws still shown, in the format of the images row's latest ones.
const PIXEL_ORIGINS_COLUMNS = `
    image_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    record BLOB NOT NULL,
    PRIMARY KEY (image_id, slot)
`

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS images (${IMAGES_COLUMNS}) STRICT;
  CREATE TABLE IF NOT EXISTS pixel_origins (${PIXEL_ORIGINS_COLUMNS}) STRICT, WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) STRICT;
`

// A draw rewrites the WAL pages that hold its stroke's cells and the row's tail (latest records,
// update time), and SQLite writes whole pages: with 1 KiB pages a draw appends 3.8 KiB to the WAL,
// with SQLite's default 4 KiB pages 9.1 KiB (bench:server's moving strokes). Each checkpoint
// blocks the event loop on two fsyncs, so it is triggered by the WAL's size, not its page count:
// fewer bytes a draw, fewer checkpoints. A file created with other pages keeps them (changing
// them takes a VACUUM, which replicas sharing the file would block): it works the same, slower.
export const PAGE_BYTES = 1024
export const WAL_BYTES_BEFORE_CHECKPOINT = 4 * 1024 * 1024

export type Synchronous = 'normal' | 'full'

export function openDatabase(dataDir: string, synchronous: Synchronous = 'normal'): Database.Database {
  mkdirSync(dataDir, { recursive: true })
  const db = new Database(join(dataDir, DATABASE_FILE))
  // Before WAL mode: it only applies to a new file.
  db.pragma(`page_size = ${PAGE_BYTES}`)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`)
  db.pragma(`wal_autocheckpoint = ${Math.round(WAL_BYTES_BEFORE_CHECKPOINT / (db.pragma('page_size', { simple: true }) as number))}`)
  // Replicas share the file: wait for a writer instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000')
  db.exec(SCHEMA)
  if (columnsOf(db, 'pixel_origins').includes('trace_id')) moveToRecords(db)
  if (columnsOf(db, 'images').includes('pixels')) moveToCells(db)
  return db
}

const columnsOf = (db: Database.Database, table: string) => db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]

/** An images row as earlier versions left it: some of these columns are missing from the oldest files. */
interface EarlierImageRow {
  id: string
  pixels: Buffer
  created_at: string
  updated_at: string
  update_count: number
  owner: string
  slots: Buffer | null
  last_origin: string | null
}

/**
 * Earlier versions kept the RGB pixels alone in `pixels`, the origin slots in `image_origins`
 * (before that, in an `origins` column of the images row), the last draw's record in a
 * `last_origin` line and no `owner` at first (every such image is the speaker's). The images
 * table is rebuilt with `cells`, and the last record joins the others in `pixel_origins`. In one
 * transaction, which a replica racing to open the same file finds already done.
 */
function moveToCells(db: Database.Database): void {
  const move = db.transaction(() => {
    const columns = columnsOf(db, 'images')
    if (!columns.includes('pixels')) return
    const hasImageOrigins = columnsOf(db, 'image_origins').length > 0
    const slots = columns.includes('origins') ? 'images.origins' : hasImageOrigins ? 'image_origins.slots' : 'NULL'
    const rows = db
      .prepare(
        `SELECT id, pixels, created_at, updated_at, update_count,
           ${columns.includes('owner') ? 'owner' : "'speaker'"} AS owner, ${slots} AS slots,
           ${columns.includes('last_origin') ? 'last_origin' : 'NULL'} AS last_origin
         FROM images ${hasImageOrigins ? 'LEFT JOIN image_origins ON image_origins.image_id = images.id' : ''}`,
      )
      .all() as EarlierImageRow[]
    db.exec(`CREATE TABLE images_with_cells (${IMAGES_COLUMNS}) STRICT`)
    const insert = db.prepare('INSERT INTO images_with_cells VALUES (?, ?, ?, ?, ?, ?, ?)')
    const keep = db.prepare('INSERT OR REPLACE INTO pixel_origins VALUES (?, ?, ?)')
    for (const row of rows) {
      insert.run(row.id, writeCells({ pixels: row.pixels, slots: earlierSlots(row.slots) }), row.created_at, row.updated_at, row.update_count, row.owner, emptyRecentOrigins())
      if (!row.last_origin) continue
      const [slot, traceId, spanId, time, commandType, client] = row.last_origin.split(' ') as [string, string, string, string, PixelOrigin['commandType'], string]
      keep.run(row.id, Number(slot), encodeRecord({ slot: Number(slot), origin: { traceId, spanId, time, commandType, client } }))
    }
    db.exec(`
      DROP TABLE images;
      ALTER TABLE images_with_cells RENAME TO images;
      DROP TABLE IF EXISTS image_origins;
    `)
  })
  move.immediate()
}

interface EarlierOriginRow {
  image_id: string
  slot: number
  trace_id: string
  span_id: string
  time: string
  command_type: PixelOrigin['commandType']
  client: string
}

/**
 * Earlier versions kept each record of `pixel_origins` in text columns, twice its size: the table
 * is rebuilt with the records as the images row holds them. In one transaction, as moveToCells.
 */
function moveToRecords(db: Database.Database): void {
  const move = db.transaction(() => {
    if (!columnsOf(db, 'pixel_origins').includes('trace_id')) return
    const rows = db.prepare('SELECT image_id, slot, trace_id, span_id, time, command_type, client FROM pixel_origins').all() as EarlierOriginRow[]
    db.exec(`CREATE TABLE pixel_origins_as_records (${PIXEL_ORIGINS_COLUMNS}) STRICT, WITHOUT ROWID`)
    const insert = db.prepare('INSERT INTO pixel_origins_as_records VALUES (?, ?, ?)')
    for (const { image_id: imageId, slot, trace_id: traceId, span_id: spanId, time, command_type: commandType, client } of rows) {
      insert.run(imageId, slot, encodeRecord({ slot, origin: { traceId, spanId, time, commandType, client } }))
    }
    db.exec(`
      DROP TABLE pixel_origins;
      ALTER TABLE pixel_origins_as_records RENAME TO pixel_origins;
    `)
  })
  move.immediate()
}

/** Slots as earlier versions stored them: 8 KiB, 16-bit little-endian; none for an image never painted. */
function earlierSlots(blob: Buffer | null): Uint16Array {
  const slots = blankSlots()
  if (blob?.length === slots.byteLength) new Uint8Array(slots.buffer).set(blob)
  return slots
}
