// npm run bench:telemetry — answer time of the telemetry endpoint the slides poll, with a full
// span buffer (5 000 spans, see demo/telemetry/buffers.ts). Fills the buffer past capacity with
// draws, then, while a light steady load keeps adding spans, polls as the slides do: a cursor,
// `GET /api/telemetry/spans?after=CURSOR` (then the logs), one tick after another. Each request is
// timed from the bench process, fetch + the whole JSON body parsed. For comparison, in the same
// run, every 5th tick also times a full poll `?limit=1000` from cursor 0.
// Goal: incremental poll ≤ 5 ms p95. Exits non-zero only on a crash, not on a missed goal.
import autocannon from 'autocannon'
import { startDraw64 } from '../demo/draw64-process.ts'
import { logPageSchema, spanPageSchema, type Schema } from '../lib/wire.ts'

// The slides poll every 500 ms; 300 ticks at 300 ms keep the run around 1.5 minutes.
const POLLS = Number(process.env.BENCH_POLLS ?? 300)
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 300)
const LOAD_RATE = Number(process.env.BENCH_LOAD_RATE ?? 50)
const FULL_EVERY = 5
const GOAL_P95_MS = 5

const body = JSON.stringify({
  command: { command_type: 'draw', values: Array.from({ length: 10 }, (_, n) => [n, n, 200, 30, 30]) },
})
const drawOptions = (url: string) => ({ url, method: 'PUT' as const, headers: { 'content-type': 'application/json' }, body })

const spansProduced = (cursor: string) => Number(cursor.split('.')[1])
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const summary = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(2)} ms  p95 ${percentile(values, 95).toFixed(2)} ms  max ${Math.max(...values).toFixed(2)} ms`

/** Times the request and its JSON, then checks the page with the server's own schema (untimed). */
async function timed<T>(url: string, schema: Schema<T>): Promise<{ ms: number; json: T }> {
  const start = performance.now()
  const response = await fetch(url)
  const body: unknown = await response.json()
  const ms = performance.now() - start
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`)
  return { ms, json: schema.parse(body) }
}

const server = await startDraw64({ captureOutput: false })
const spansUrl = `${server.baseUrl}/api/telemetry/spans`
const logsUrl = `${server.baseUrl}/api/telemetry/logs`
const imageUrl = `${server.baseUrl}/api/images/bench`
try {
  const created = await fetch(imageUrl, { method: 'POST' })
  if (!created.ok) throw new Error(`creating the image: ${created.status}`)

  // 1. Fill the span buffer past its capacity.
  let produced = 0
  while (produced < 6000) {
    const result = await autocannon({ ...drawOptions(imageUrl), connections: 8, amount: 500 })
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`fill: ${result.non2xx} non-2xx, ${result.errors} errors`)
    produced = spansProduced((await timed(`${spansUrl}?limit=1`, spanPageSchema)).json.cursor)
  }
  const full = await timed(`${spansUrl}?limit=5000`, spanPageSchema)
  console.log(`buffer filled: ${produced} spans produced, ?limit=5000 returned ${full.json.spans.length} (${full.ms.toFixed(1)} ms)`)
  if (full.json.spans.length !== 5000) throw new Error(`expected 5000 spans back, got ${full.json.spans.length}`)

  // 2. Light steady load in the background, while polling as the slides do.
  const loadSeconds = Math.ceil((POLLS * INTERVAL_MS) / 1000) + 10
  const load = autocannon({ ...drawOptions(imageUrl), connections: 2, overallRate: LOAD_RATE, duration: loadSeconds })
  await sleep(1000) // let the load start

  let cursor = (await timed(spansUrl, spanPageSchema)).json.cursor
  let logCursor = (await timed(logsUrl, logPageSchema)).json.cursor
  const incremental: number[] = []
  const logPolls: number[] = []
  const fullPolls: number[] = []
  let spansSeen = 0
  const started = performance.now()
  for (let tick = 0; tick < POLLS; tick++) {
    const tickStart = performance.now()
    const page = await timed(`${spansUrl}?after=${encodeURIComponent(cursor)}`, spanPageSchema)
    incremental.push(page.ms)
    spansSeen += page.json.spans.length
    cursor = page.json.cursor
    const logs = await timed(`${logsUrl}?after=${encodeURIComponent(logCursor)}`, logPageSchema)
    logPolls.push(logs.ms)
    logCursor = logs.json.cursor
    if (tick % FULL_EVERY === 0) fullPolls.push((await timed(`${spansUrl}?limit=1000`, spanPageSchema)).ms)
    await sleep(Math.max(0, INTERVAL_MS - (performance.now() - tickStart)))
  }
  const pollSeconds = (performance.now() - started) / 1000
  ;(load as unknown as { stop: () => void }).stop()
  const loadResult = await load
  if (loadResult.errors > 0) throw new Error(`background load: ${loadResult.errors} errors`)

  console.log(`\n${POLLS} incremental polls, one every ${INTERVAL_MS} ms (the slides: 500 ms), over ${pollSeconds.toFixed(0)} s,`)
  console.log(`background load ${(loadResult.requests.total / loadResult.duration).toFixed(0)} draws/s (asked ${LOAD_RATE}), ` +
    `${(spansSeen / POLLS).toFixed(1)} new spans per poll on average; times = fetch + JSON body parsed, sequential`)
  console.log(`  incremental   ?after=CURSOR       ${summary(incremental)}`)
  console.log(`  logs          ?after=CURSOR       ${summary(logPolls)}`)
  console.log(`  full poll     ?limit=1000 (x${fullPolls.length})  ${summary(fullPolls)}`)
  const p95 = percentile(incremental, 95)
  console.log(`  goal: incremental poll ≤ ${GOAL_P95_MS} ms p95 with full buffers → ${p95.toFixed(2)} ms, ${p95 <= GOAL_P95_MS ? 'met' : 'MISSED'}`)
} finally {
  await server.stop()
}
