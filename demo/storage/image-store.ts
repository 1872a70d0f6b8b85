// Images in SQLite: metadata and the pixels in one row, their origins with them (the slots in
// the pixels' own blob, see ./stored-cells.ts; the latest draws' records beside `updated_at`, see
// ./recent-origins.ts; earlier ones still shown in `pixel_origins`). Every write runs in an
// IMMEDIATE transaction so that replicas sharing the file never lose each other's strokes.
import type { Database, Statement } from 'better-sqlite3'
import type { Command } from '../domain/board.js'
import { MAX_IMAGES, type ImageMeta } from '../domain/image.ts'
import { blankSlots, isShown, originsOf, recordOrigins, type Origins, type Painter, type PixelOrigin } from '../domain/provenance.ts'
import { addRecentOrigin, decodeRecord, emptyRecentOrigins, findRecentOrigin, latestRecentSlot, recordSlot } from './recent-origins.ts'
import { RowsAfterLastDraw } from './rows-after-last-draw.ts'
import { cellSlot, emptyBoard, readCells, readPixels, updateCells, writeCells, type Board } from './stored-cells.ts'
import { tracedStatement, type StatementHook } from './traced-statement.ts'

interface ImageRow {
  id: string
  created_at: string
  updated_at: string
  update_count: number
}

export interface Counters {
  imagesCreated: number
  imagesDeleted: number
}

const META_COLUMNS = 'id, created_at, updated_at, update_count'

/** What a draw reads and hands back to the store: the pixels' origins, the cells they were read from, the latest draws' records. */
export interface StoredOrigins {
  origins: Origins
  cells: Buffer
  recent: Buffer
}

/** What a draw or a clear leaves behind for GET …/provenance: the command and who sent it. */
export interface Painting extends Painter {
  origins: StoredOrigins
  command: Command
}

function toMeta(row: ImageRow): ImageMeta {
  return { id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, updateCount: row.update_count }
}

export function createImageStore(db: Database, beforeStatement: StatementHook = () => {}) {
  const statement = <Row>(sql: string) => tracedStatement<Row>(db, sql, beforeStatement)
  const listImages = statement<ImageRow>(`SELECT ${META_COLUMNS} FROM images ORDER BY created_at, id`)
  const selectImage = statement<ImageRow>(`SELECT ${META_COLUMNS} FROM images WHERE id = ?`)
  const selectCells = statement<{ cells: Buffer; recent_origins: Buffer }>('SELECT cells, recent_origins FROM images WHERE id = ?')
  const selectOrigin = statement<{ record: Buffer }>('SELECT record FROM pixel_origins WHERE image_id = ? AND slot = ?')
  const deleteOrigins = statement('DELETE FROM pixel_origins WHERE image_id = ?')
  const countImages = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images')
  const insertImage = statement(
    'INSERT INTO images (id, cells, created_at, updated_at, update_count, owner, recent_origins) VALUES (?, ?, ?, ?, 0, ?, ?)',
  )
  const selectOwner = statement<{ owner: string }>('SELECT owner FROM images WHERE id = ?')
  const countOwned = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images WHERE owner = ?')
  const updateImageRow = statement(
    'UPDATE images SET cells = ?, recent_origins = ?, updated_at = ?, update_count = update_count + 1 WHERE id = ?',
  )
  const deleteImage = statement('DELETE FROM images WHERE id = ?')
  const incrementCounter = statement(
    'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1',
  )
  const selectCounters = statement<{ name: string; value: number }>('SELECT name, value FROM counters')
  // Readiness must not create spans: a raw statement, outside the traced ones.
  const ping = db.prepare('SELECT 1 AS ok')
  // Untraced too: read by the metrics collector at every scrape.
  const countForMetrics = db.prepare('SELECT COUNT(*) AS count FROM images')
  // Untraced as well: it runs beside a draw's UPDATE, inside the same transaction and span
  // (persist image), once every few draws; spans of its own would double the draw's database spans.
  // One statement for all the records a draw moves out of the images row, built once per count.
  const keepStatements = new Map<number, Statement>()
  function keep(imageId: string, records: Buffer[]): void {
    if (records.length === 0) return
    let upsert = keepStatements.get(records.length)
    if (!upsert) {
      upsert = db.prepare(`INSERT OR REPLACE INTO pixel_origins (image_id, slot, record) VALUES ${Array(records.length).fill('(?, ?, ?)').join(', ')}`)
      keepStatements.set(records.length, upsert)
    }
    upsert.run(records.flatMap((record) => [imageId, recordSlot(record), record]))
  }
  type DrawnRow = { cells: Buffer; board: Board; origins: Origins; recent: Buffer }
  const afterLastDraw = new RowsAfterLastDraw<DrawnRow>(MAX_IMAGES)
  function rowFor(image: ImageMeta): DrawnRow {
    const drawn = afterLastDraw.take(image)
    if (drawn) return drawn
    const { cells, recent_origins: recent } = selectCells.get(image.id)!
    const board = readCells(cells, emptyBoard())
    return { cells, board, origins: originsOf(board.slots), recent }
  }
  // better-sqlite3 builds a wrapper per db.transaction(fn): one, built once, runs every fn.
  const inTransaction = db.transaction((fn: () => unknown) => fn())

  return {
    list: (): ImageMeta[] => listImages.all().map(toMeta),
    get: (id: string): ImageMeta | undefined => {
      const row = selectImage.get(id)
      return row && toMeta(row)
    },
    /** For a draw, in its transaction: the image, its pixels and their origins. */
    load(id: string): { image: ImageMeta; pixels: Uint8Array; origins: StoredOrigins } | undefined {
      const row = selectImage.get(id)
      if (!row) return undefined
      const image = toMeta(row)
      const { cells, board, origins, recent } = rowFor(image)
      return { image, pixels: board.pixels, origins: { origins, cells, recent } }
    },
    /** The image's pixels, in the API's format. */
    pixels(id: string): Uint8Array | undefined {
      const row = selectCells.get(id)
      return row && readPixels(row.cells)
    },
    /** Who last painted pixel (x, y): undefined for an unknown image, null when not painted since creation or clear. */
    origin(id: string, x: number, y: number): PixelOrigin | null | undefined {
      const row = selectCells.get(id)
      if (!row) return undefined
      const slot = cellSlot(row.cells, x, y)
      if (!slot) return null
      const recent = findRecentOrigin(row.recent_origins, slot)
      if (recent) return recent
      const kept = selectOrigin.get(id, slot)
      return kept ? decodeRecord(kept.record) : null
    },
    count: (): number => countImages.get()!.count,
    ownerOf: (id: string): string | undefined => selectOwner.get(id)?.owner,
    countOwnedBy: (owner: string): number => countOwned.get(owner)!.count,
    countUntraced: (): number => (countForMetrics.get() as { count: number }).count,
    /** `owner`: 'speaker', or the anonymous id of the attendee who created it. */
    insert(id: string, pixels: Uint8Array, now: string, owner: string): ImageMeta {
      insertImage.run(id, writeCells({ pixels, slots: blankSlots() }), now, now, owner, emptyRecentOrigins())
      incrementCounter.run('images_created')
      return { id, createdAt: now, updatedAt: now, updateCount: 0 }
    },
    /** Saves pixels loaded with `load`, and who painted them, and returns the image's new metadata. */
    writePixels(image: ImageMeta, pixels: Uint8Array, now: string, painting: Painting): ImageMeta {
      const { origins: { origins, cells, recent }, command, traceId, spanId, client } = painting
      const slot = recordOrigins(origins, command, latestRecentSlot(recent))
      if (slot === 0) {
        recent.fill(0)
        deleteOrigins.run(image.id)
      } else {
        const origin = { traceId, spanId, time: now, commandType: command.command_type, client }
        keep(image.id, addRecentOrigin(recent, { slot, origin }, (candidate) => isShown(origins, candidate)))
      }
      const board = { pixels, slots: origins.slots }
      updateCells(cells, board, command)
      updateImageRow.run(cells, recent, now, image.id)
      const updated = { ...image, updatedAt: now, updateCount: image.updateCount + 1 }
      afterLastDraw.keep(updated, { cells, board, origins, recent })
      return updated
    },
    delete(id: string): boolean {
      const deleted = deleteImage.run(id).changes > 0
      afterLastDraw.forget(id)
      if (deleted) {
        deleteOrigins.run(id)
        incrementCounter.run('images_deleted')
      }
      return deleted
    },
    counters(): Counters {
      const values = new Map(selectCounters.all().map((row) => [row.name, row.value]))
      return { imagesCreated: values.get('images_created') ?? 0, imagesDeleted: values.get('images_deleted') ?? 0 }
    },
    /** Runs fn in one IMMEDIATE transaction: it commits as a whole, or not at all. */
    transaction<T>(fn: () => T): T {
      return inTransaction.immediate(fn) as T
    },
    ping(): boolean {
      return (ping.get() as { ok: number }).ok === 1
    },
    close(): void {
      db.close()
    },
  }
}

export type ImageStore = ReturnType<typeof createImageStore>
