// Images in SQLite: metadata, the 12 288-byte RGB blob and the pixels' origins (8 KiB of slots,
// see demo/domain/provenance.ts) in one row, the origin records in `pixel_origins`. Every write
// runs in an IMMEDIATE transaction so that replicas sharing the file never lose each other's strokes.
import type { Database } from 'better-sqlite3'
import type { Command } from '../domain/board.js'
import type { ImageMeta } from '../domain/image.ts'
import { blankOrigins, originSlot, recordOrigins, type Painter, type PixelOrigin } from '../domain/provenance.ts'
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

interface OriginRow {
  trace_id: string
  span_id: string
  time: string
  command_type: PixelOrigin['commandType']
  client: string
}

// Slots as stored: 16-bit little-endian, the byte order of every platform Node runs on here.
// The driver's buffer is read in place when aligned (it is its own allocation), else copied.
function readOrigins(blob: Buffer | null): Uint16Array {
  const origins = blankOrigins()
  if (blob?.length !== origins.byteLength) return origins
  if (blob.byteOffset % 2 === 0) return new Uint16Array(blob.buffer, blob.byteOffset, origins.length)
  new Uint8Array(origins.buffer).set(blob)
  return origins
}

const originBytes = (origins: Uint16Array) => Buffer.from(origins.buffer, origins.byteOffset, origins.byteLength)

/** What a draw or a clear leaves behind for GET …/provenance: the command and who sent it. */
export interface Painting extends Painter {
  origins: Uint16Array
  command: Command
}

function toMeta(row: ImageRow): ImageMeta {
  return { id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, updateCount: row.update_count }
}

export function createImageStore(db: Database, beforeStatement: StatementHook = () => {}) {
  const statement = <Row>(sql: string) => tracedStatement<Row>(db, sql, beforeStatement)
  const listImages = statement<ImageRow>(`SELECT ${META_COLUMNS} FROM images ORDER BY created_at, id`)
  const selectImage = statement<ImageRow>(`SELECT ${META_COLUMNS} FROM images WHERE id = ?`)
  const selectImageWithPixels = statement<ImageRow & { pixels: Buffer; origins: Buffer | null }>(
    `SELECT ${META_COLUMNS}, pixels, origins FROM images WHERE id = ?`,
  )
  const selectOrigins = statement<{ origins: Buffer | null }>('SELECT origins FROM images WHERE id = ?')
  const selectOrigin = statement<OriginRow>(
    'SELECT trace_id, span_id, time, command_type, client FROM pixel_origins WHERE image_id = ? AND slot = ?',
  )
  const deleteOrigins = statement('DELETE FROM pixel_origins WHERE image_id = ?')
  const countImages = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images')
  const insertImage = statement(
    'INSERT INTO images (id, pixels, origins, created_at, updated_at, update_count, owner) VALUES (?, ?, ?, ?, ?, 0, ?)',
  )
  const selectOwner = statement<{ owner: string }>('SELECT owner FROM images WHERE id = ?')
  const countOwned = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images WHERE owner = ?')
  const updatePixels = statement(
    'UPDATE images SET pixels = ?, origins = ?, updated_at = ?, update_count = update_count + 1 WHERE id = ?',
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
  // Untraced as well: it runs beside every draw's UPDATE, inside the same transaction and span
  // (persist image); a span of its own would double the draw's database spans.
  const upsertOrigin = db.prepare(
    'INSERT OR REPLACE INTO pixel_origins (image_id, slot, trace_id, span_id, time, command_type, client) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  // better-sqlite3 builds a wrapper per db.transaction(fn): one, built once, runs every fn.
  const inTransaction = db.transaction((fn: () => unknown) => fn())

  return {
    list: (): ImageMeta[] => listImages.all().map(toMeta),
    get: (id: string): ImageMeta | undefined => {
      const row = selectImage.get(id)
      return row && toMeta(row)
    },
    /** The image, its pixels and their origins, read in one statement. */
    load(id: string): { image: ImageMeta; pixels: Uint8Array; origins: Uint16Array } | undefined {
      const row = selectImageWithPixels.get(id)
      return row && { image: toMeta(row), pixels: row.pixels, origins: readOrigins(row.origins) }
    },
    /** Who last painted pixel (x, y): undefined for an unknown image, null when not painted since creation or clear. */
    origin(id: string, x: number, y: number): PixelOrigin | null | undefined {
      const row = selectOrigins.get(id)
      if (!row) return undefined
      const slot = originSlot(readOrigins(row.origins), x, y)
      const origin = slot ? selectOrigin.get(id, slot) : undefined
      if (!origin) return null
      return { traceId: origin.trace_id, spanId: origin.span_id, time: origin.time, commandType: origin.command_type, client: origin.client }
    },
    count: (): number => countImages.get()!.count,
    ownerOf: (id: string): string | undefined => selectOwner.get(id)?.owner,
    countOwnedBy: (owner: string): number => countOwned.get(owner)!.count,
    countUntraced: (): number => (countForMetrics.get() as { count: number }).count,
    /** `owner`: 'speaker', or the anonymous id of the attendee who created it. */
    insert(id: string, pixels: Uint8Array, now: string, owner: string): ImageMeta {
      insertImage.run(id, pixels, originBytes(blankOrigins()), now, now, owner)
      incrementCounter.run('images_created')
      return { id, createdAt: now, updatedAt: now, updateCount: 0 }
    },
    /** Saves pixels loaded with `load`, and who painted them, and returns the image's new metadata. */
    writePixels(image: ImageMeta, pixels: Uint8Array, now: string, painting: Painting): ImageMeta {
      const { origins, command } = painting
      const slot = recordOrigins(origins, command)
      updatePixels.run(pixels, originBytes(origins), now, image.id)
      if (slot) upsertOrigin.run(image.id, slot, painting.traceId, painting.spanId, now, command.command_type, painting.client)
      else deleteOrigins.run(image.id)
      return { ...image, updatedAt: now, updateCount: image.updateCount + 1 }
    },
    delete(id: string): boolean {
      const deleted = deleteImage.run(id).changes > 0
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
