// Images in SQLite: metadata and the 12 288-byte RGB blob in one row, the pixels' origins beside
// them (see ./stored-origins.ts). Every write runs in an IMMEDIATE transaction so that replicas
// sharing the file never lose each other's strokes.
import type { Database } from 'better-sqlite3'
import type { Command } from '../domain/board.js'
import type { ImageMeta } from '../domain/image.ts'
import { originSlot, recordOrigins, type Painter, type PixelOrigin } from '../domain/provenance.ts'
import { decodeLastOrigin, encodeLastOrigin, readSlots, slotBytes, type SlotOrigin, type StoredOrigins } from './stored-origins.ts'
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
  const selectImageWithPixels = statement<ImageRow & { pixels: Buffer; last_origin: string | null }>(
    `SELECT ${META_COLUMNS}, pixels, last_origin FROM images WHERE id = ?`,
  )
  const selectLastOrigin = statement<{ last_origin: string | null }>('SELECT last_origin FROM images WHERE id = ?')
  // No row for an image never painted since its creation or last clear.
  const selectSlots = statement<{ slots: Buffer }>('SELECT slots FROM image_origins WHERE image_id = ?')
  const selectOrigin = statement<OriginRow>(
    'SELECT trace_id, span_id, time, command_type, client FROM pixel_origins WHERE image_id = ? AND slot = ?',
  )
  const deleteOrigins = statement('DELETE FROM pixel_origins WHERE image_id = ?')
  const deleteSlots = statement('DELETE FROM image_origins WHERE image_id = ?')
  const countImages = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images')
  const insertImage = statement(
    'INSERT INTO images (id, pixels, created_at, updated_at, update_count, owner) VALUES (?, ?, ?, ?, 0, ?)',
  )
  const selectOwner = statement<{ owner: string }>('SELECT owner FROM images WHERE id = ?')
  const countOwned = statement<{ count: number }>('SELECT COUNT(*) AS count FROM images WHERE owner = ?')
  const updatePixels = statement(
    'UPDATE images SET pixels = ?, last_origin = ?, updated_at = ?, update_count = update_count + 1 WHERE id = ?',
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
  // Untraced as well: they run beside a draw's UPDATE, inside the same transaction and span
  // (persist image); spans of their own would double the draw's database spans.
  const upsertOrigin = db.prepare(
    'INSERT OR REPLACE INTO pixel_origins (image_id, slot, trace_id, span_id, time, command_type, client) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const writeSlots = db.prepare(
    'INSERT INTO image_origins (image_id, slots) VALUES (?, ?) ON CONFLICT (image_id) DO UPDATE SET slots = excluded.slots',
  )
  const keep = (imageId: string, { slot, origin }: SlotOrigin) =>
    upsertOrigin.run(imageId, slot, origin.traceId, origin.spanId, origin.time, origin.commandType, origin.client)
  // The slots of each image after this process's last draw on it, under that draw's record: a draw
  // finds them here instead of reading their 8 KiB again (about 10 µs a draw, as much as the rest
  // of its provenance). The record is read from the images row, so after a draw by another
  // replica, or one rolled back, the key no longer matches and the slots are read again.
  const slotsAfterLastDraw = new Map<string, { last: string; slots: Uint16Array }>()
  function slotsOf(id: string, last: string | null): Uint16Array {
    const cached = slotsAfterLastDraw.get(id)
    if (cached && cached.last === last) return cached.slots
    return readSlots(selectSlots.get(id)?.slots ?? null)
  }
  // better-sqlite3 builds a wrapper per db.transaction(fn): one, built once, runs every fn.
  const inTransaction = db.transaction((fn: () => unknown) => fn())

  return {
    list: (): ImageMeta[] => listImages.all().map(toMeta),
    get: (id: string): ImageMeta | undefined => {
      const row = selectImage.get(id)
      return row && toMeta(row)
    },
    /** The image, its pixels and their origins. */
    load(id: string): { image: ImageMeta; pixels: Uint8Array; origins: StoredOrigins } | undefined {
      const row = selectImageWithPixels.get(id)
      return row && { image: toMeta(row), pixels: row.pixels, origins: { slots: slotsOf(id, row.last_origin), last: row.last_origin } }
    },
    /** Who last painted pixel (x, y): undefined for an unknown image, null when not painted since creation or clear. */
    origin(id: string, x: number, y: number): PixelOrigin | null | undefined {
      const row = selectLastOrigin.get(id)
      if (!row) return undefined
      const slot = originSlot(slotsOf(id, row.last_origin), x, y)
      if (!slot) return null
      const last = decodeLastOrigin(row.last_origin)
      if (last?.slot === slot) return last.origin
      const origin = selectOrigin.get(id, slot)
      if (!origin) return null
      return { traceId: origin.trace_id, spanId: origin.span_id, time: origin.time, commandType: origin.command_type, client: origin.client }
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
    /** Saves pixels loaded with `load`, and who painted them, and returns the image's new metadata. */
    writePixels(image: ImageMeta, pixels: Uint8Array, now: string, painting: Painting): ImageMeta {
      const { origins, command } = painting
      // origins.slots may be the cached array, about to change: cached again once written.
      slotsAfterLastDraw.delete(image.id)
      const previous = decodeLastOrigin(origins.last)
      const { slot, changed } = recordOrigins(origins.slots, command)
      const { traceId, spanId, client } = painting
      const last = slot ? encodeLastOrigin({ slot, origin: { traceId, spanId, time: now, commandType: command.command_type, client } }) : null
      updatePixels.run(pixels, last, now, image.id)
      if (last === null) {
        deleteSlots.run(image.id)
        deleteOrigins.run(image.id)
      } else {
        if (changed) writeSlots.run(image.id, slotBytes(origins.slots))
        // The previous draw's record leaves the images row: into pixel_origins while a pixel still shows it.
        if (previous && previous.slot !== slot && origins.slots.includes(previous.slot)) keep(image.id, previous)
        slotsAfterLastDraw.set(image.id, { last, slots: origins.slots })
      }
      return { ...image, updatedAt: now, updateCount: image.updateCount + 1 }
    },
    delete(id: string): boolean {
      const deleted = deleteImage.run(id).changes > 0
      slotsAfterLastDraw.delete(id)
      if (deleted) {
        deleteSlots.run(id)
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
