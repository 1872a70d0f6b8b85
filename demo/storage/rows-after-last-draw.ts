// Each image's row after this process's last draw on it (cells, the pixels and slots read out
// of them, latest records), under that draw's update count and time: the next draw takes it
// from here instead of reading and splitting 20 KiB again (as much CPU as the rest of its
// provenance). Another replica's draw, or a rolled-back one, leaves another count or time in
// the row: it is read again. A draw takes its image's entry out, so one that fails halfway
// leaves no half-painted arrays behind.
// Bounded: an image deleted by another replica never tells this one, so the entries of the
// images drawn on longest ago go first, past as many as the board holds at once.
import type { ImageMeta } from '../domain/image.ts'

export class RowsAfterLastDraw<Row> {
  private readonly rows = new Map<string, { updatedAt: string; updateCount: number; row: Row }>()
  private readonly capacity: number

  constructor(capacity: number) {
    this.capacity = capacity
  }

  /** The row after this process's last draw on `image`, if no other draw came since; taken out either way. */
  take(image: ImageMeta): Row | undefined {
    const kept = this.rows.get(image.id)
    this.rows.delete(image.id)
    return kept && kept.updatedAt === image.updatedAt && kept.updateCount === image.updateCount ? kept.row : undefined
  }

  /** The row a draw just wrote, under the image's new metadata. */
  keep(image: ImageMeta, row: Row): void {
    this.rows.delete(image.id)
    this.rows.set(image.id, { updatedAt: image.updatedAt, updateCount: image.updateCount, row })
    if (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value!)
  }

  forget(id: string): void {
    this.rows.delete(id)
  }

  get size(): number {
    return this.rows.size
  }
}
