// HA mode: replicas share one SQLite file, so they share their live events through it too.
// Each replica appends what it publishes to an `events` table and tails the table for the
// others' events, so a client connected to any replica sees every stroke. Bounded: old rows
// are trimmed as the log is read.
import type { Database } from 'better-sqlite3'
import type { Draw64Event, EventPublisher } from '../domain/events.ts'
import { tracedStatement, type StatementHook } from './traced-statement.ts'
import { parseDraw64Event } from '../../lib/wire.ts'

const TAIL_EVERY_MS = 100
const KEPT_EVENTS = 5000

interface EventRow {
  id: number
  origin: string
  type: Draw64Event['type']
  data: string
}

export function replicateEvents(db: Database, origin: string, local: EventPublisher, beforeStatement: StatementHook): EventPublisher {
  db.exec(`CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL
  ) STRICT`)
  const append = tracedStatement(db, 'INSERT INTO events (origin, type, data) VALUES (?, ?, ?)', beforeStatement)
  // Tailing runs ten times a second: untraced, or the waterfall would drown in it.
  const since = db.prepare('SELECT id, origin, type, data FROM events WHERE id > ? ORDER BY id LIMIT 500')
  const trim = db.prepare('DELETE FROM events WHERE id <= ?')
  let cursor = (db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events').get() as { id: number }).id

  const tail = setInterval(() => {
    // A replica stopped politely (a rollout) closes its database while the tail still ticks.
    if (!db.open) return clearInterval(tail)
    const rows = since.all(cursor) as EventRow[]
    if (rows.length === 0) return
    cursor = rows[rows.length - 1].id
    for (const row of rows) {
      if (row.origin === origin) continue
      // Parsed as the clients parse them: a row no replica could have written is dropped.
      const event = parseDraw64Event(row.type, JSON.parse(row.data))
      if (event) local.publish(event)
    }
    if (cursor > KEPT_EVENTS) trim.run(cursor - KEPT_EVENTS)
  }, TAIL_EVERY_MS)
  tail.unref()

  return {
    publish(event: Draw64Event): number {
      // User counts are per replica: each one tells its own clients.
      if (event.type !== 'user_count_updated') append.run(origin, event.type, JSON.stringify(event.data))
      return local.publish(event)
    },
    get clientCount() {
      return local.clientCount
    },
  }
}
