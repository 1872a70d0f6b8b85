// The floor for the throughput benchmark: what any server that stores Draw64's strokes must do,
// and nothing else. node:http, the body read and parsed as JSON, then in one IMMEDIATE
// transaction the image's 12 288-byte row read, the pixels painted and the row written back, in
// SQLite with WAL, as Draw64 does; no routing, validation, rate limit, events or telemetry.
import http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { PAGE_BYTES, WAL_BYTES_BEFORE_CHECKPOINT } from '../demo/storage/database.ts'

const dir = mkdtempSync(join(tmpdir(), 'draw64-floor-'))
const db = new Database(join(dir, 'floor.sqlite'))
// The benchmark stops it with SIGTERM: leave no file behind.
process.once('SIGTERM', () => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
// The same file settings as Draw64's: its page size, and checkpoints after as many bytes of WAL.
db.pragma(`page_size = ${PAGE_BYTES}`)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.pragma(`wal_autocheckpoint = ${WAL_BYTES_BEFORE_CHECKPOINT / PAGE_BYTES}`)
db.exec('CREATE TABLE images (id TEXT PRIMARY KEY, pixels BLOB NOT NULL, updated_at TEXT NOT NULL, update_count INTEGER NOT NULL) STRICT')
db.prepare('INSERT INTO images VALUES (?, ?, ?, 0)').run('bench', Buffer.alloc(64 * 64 * 3, 255), new Date().toISOString())
const select = db.prepare('SELECT pixels, update_count FROM images WHERE id = ?')
const update = db.prepare('UPDATE images SET pixels = ?, updated_at = ?, update_count = update_count + 1 WHERE id = ?')

type Values = [number, number, number, number, number][]
const draw = db.transaction((id: string, values: Values) => {
  const row = select.get(id) as { pixels: Buffer; update_count: number }
  for (const [x, y, r, g, b] of values) row.pixels.set([r, g, b], (y * 64 + x) * 3)
  const updatedAt = new Date().toISOString()
  update.run(row.pixels, updatedAt, id)
  return { id, updatedAt, updateCount: row.update_count + 1 }
})

http
  .createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const { command } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { command: { values: Values } }
      const answer = JSON.stringify({ image: draw.immediate('bench', command.values) })
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) })
      response.end(answer)
    })
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
