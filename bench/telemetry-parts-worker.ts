// One side of `npm run bench:telemetry-parts`: run by bench/telemetry-parts.ts with the real
// bootstrap (`--import ./demo/instrumentation.ts`), once with the SDK on and once with
// OTEL_SDK_DISABLED=true. Times each telemetry part of a draw, in the app's own code paths,
// in batches, and prints the median µs of CPU per operation of each part as one JSON line.
import http from 'node:http'
import { context, trace } from '@opentelemetry/api'
import Database from 'better-sqlite3'
import { dbOperationDuration, commandsApplied, pixelsDrawn } from '../demo/instruments.ts'
import { logger } from '../demo/logger.ts'
import { tracedStatement } from '../demo/storage/traced-statement.ts'
import { serializeSpan } from '../demo/telemetry/serialize.ts'
import type { ReadableSpan } from '@opentelemetry/sdk-trace'
import { withSpan } from '../demo/with-span.ts'

const BATCH = Number(process.env.PARTS_BATCH ?? 20_000)
const BATCHES = Number(process.env.PARTS_BATCHES ?? 5)

// CPU time of this process (every thread: the GC's too), not wall time: other processes on the
// machine then barely move the figures.
const cpuMicros = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

function microsPerOp(operation: () => unknown, count = BATCH): number {
  const times: number[] = []
  for (let batch = 0; batch < BATCHES; batch++) {
    const started = cpuMicros()
    for (let n = 0; n < count; n++) operation()
    times.push((cpuMicros() - started) / count)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
}

/** Runs `operation` inside a span, as every part of a draw runs inside the request's span. */
const inRequest = <T>(operation: () => T) => withSpan('bench request', {}, operation)

const db = new Database(':memory:')
const select = tracedStatement<{ ok: number }>(db, 'SELECT 1 AS ok', () => {})
const raw = db.prepare('SELECT 1 AS ok')
const dbAttributes = { 'db.system.name': 'sqlite', 'db.operation.name': 'SELECT', 'db.collection.name': 'images' }

/** What the slides' buffer does per span: its JSON shape as it ends, its text when a slide polls. */
function spanToJsonMicros(): number {
  const span = trace.getTracer('draw64').startSpan('persist image', { attributes: { 'draw64.image.id': 'bench' } })
  span.end()
  // Without the SDK the span is a no-op one, and nothing is buffered.
  if (!('attributes' in span)) return 0
  return microsPerOp(() => JSON.stringify(serializeSpan(span as unknown as ReadableSpan)))
}

async function httpMicros(): Promise<number> {
  const server = http.createServer((_request, response) => response.end('{}'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/images/bench`
  const count = 2000
  const times: number[] = []
  for (let batch = 0; batch < BATCHES; batch++) {
    const started = cpuMicros()
    // fetch (undici) is not instrumented: only the server side differs between on and off.
    for (let n = 0; n < count; n++) await (await fetch(url, { method: 'PUT', body: '{}' })).text()
    times.push((cpuMicros() - started) / count)
  }
  server.close()
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
}

const parts = {
  'manual span': inRequest(() => microsPerOp(() => withSpan('bench span', { 'draw64.image.id': 'bench' }, () => 0))),
  'SQLite statement, traced minus raw': inRequest(() => microsPerOp(() => select.get()) - microsPerOp(() => raw.get())),
  'pino line (+ log bridge when on)': inRequest(() =>
    microsPerOp(() => logger.info({ imageId: 'bench', commandType: 'draw' }, 'draw applied to bench'), BATCH / 4),
  ),
  'counter add': microsPerOp(() => commandsApplied.add(1, { 'draw64.command.type': 'draw' })),
  'counter add, no attributes': microsPerOp(() => pixelsDrawn.add(10)),
  'histogram record': microsPerOp(() => dbOperationDuration.record(0.0001, dbAttributes)),
  'context switch': inRequest(() => microsPerOp(() => context.with(context.active(), () => 0))),
  'span → buffer JSON': spanToJsonMicros(),
  'HTTP request, server side': await httpMicros(),
}
process.stderr.write(`${JSON.stringify(parts)}\n`)
// The pino destination is asynchronous: let it drain before leaving.
logger.flush(() => process.exit(0))
