// Images in SQLite: metadata and the 12 288-byte RGB blob in one row. Every write runs in an
// IMMEDIATE transaction so that replicas sharing the file never lose each other's strokes.
import type { Database } from 'better-sqlite3'
import type { ImageMeta } from '../domain/image.ts'
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

function toMeta(row: ImageRow): ImageMeta {
  return { id: row.id, createdAt: row.created_at, updatedAt: row.updated_at, updateCount: row.update_count }
}

export function createImageStore(db: Database, beforeStatement: StatementHook = () => {}) {
  const statement = <Row>(sql: string) => tracedStatement<Row>(db, sql, beforeStatement)
  const listImages = statement<ImageRow>(`SELECT ${META_COLUMNS} FROM images ORDER BY created_at, id`)
  const selectImage = statement<ImageRow>(`SELECT ${META_COLUMNS} FROM images WHERE id = ?`)
  const selectImageWithPixels = statement<ImageRow & { pixels: Buffer }>(
    `SELECT ${META_COLUMNS}, pixels FROM images WHERE id = ?`,
  )
  const countImages = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images')
  const insertImage = statement(
    'INSERT INTO images (id, pixels, created_at, updated_at, update_count, owner) VALUES (?, ?, ?, ?, 0, ?)',
  )
  const selectOwner = statement<{ owner: string }>('SELECT owner FROM images WHERE id = ?')
  const countOwned = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images WHERE owner = ?')
  const updatePixels = statement(
    'UPDATE images SET pixels = ?, updated_at = ?, update_count = update_count + 1 WHERE id = ?',
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
  // better-sqlite3 builds a wrapper per db.transaction(fn): one, built once, runs every fn.
  const inTransaction = db.transaction((fn: () => unknown) => fn())

  return {
    list: (): ImageMeta[] => listImages.all().map(toMeta),
    get: (id: string): ImageMeta | undefined => {
      const row = selectImage.get(id)
      return row && toMeta(row)
    },
    /** The image and its pixels, read in one statement. */
    load(id: string): { image: ImageMeta; pixels: Uint8Array } | undefined {
      const row = selectImageWithPixels.get(id)
      return row && { image: toMeta(row), pixels: row.pixels }
    },
    count: (): number => countImages.get()!.count,
    ownerOf: (id: string): string | undefined => selectOwner.get(id)?.owner,
    countOwnedBy: (owner: string): number => countOwned.get(owner)!.count,
    countUntraced: (): number => (countForMetrics.get() as { count: number }).count,
    /** `owner`: 'speaker', or the anonymous id of the attendee who created it. */
    insert(id: string, pixels: Uint8Array, now: string, owner: string): ImageMeta {
      insertImage.run(id, pixels, now, now, owner)
      incrementCounter.run('images_created')
      return { id, createdAt: now, updatedAt: now, updateCount: 0 }
    },
    /** Saves pixels loaded with `load` and returns the image's new metadata. */
    writePixels(image: ImageMeta, pixels: Uint8Array, now: string): ImageMeta {
      updatePixels.run(pixels, now, image.id)
      return { ...image, updatedAt: now, updateCount: image.updateCount + 1 }
    },
    delete(id: string): boolean {
      const deleted = deleteImage.run(id).changes > 0
      if (deleted) incrementCounter.run('images_deleted')
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
