// npm run bench:soak [-- --short] — memory soak of Draw64 with telemetry on: draws at 200 req/s
// (small random strokes on one of a few images), one live SSE client and the slides' pollers
// (spans and logs every 500 ms, /metrics every second). After a warm-up (30 s, 15 s with --short)
// it runs 10 minutes (2 with --short), sampling the server's RSS every 10 s.
// RSS is the host-metrics gauge `process_memory_usage` (bytes, no label besides the OTel scope)
// scraped from the server's /metrics: the process's RSS as the server itself reports it
// (process.memoryUsage().rss), since scripts/draw64-process.ts does not expose the child's pid.
// Goal: RSS growth after warm-up ≤ 30 MB. Exits non-zero only on a crash, not on a missed goal.
import autocannon from 'autocannon'
import { startDraw64 } from '../demo/draw64-process.ts'
import { logPageSchema, spanPageSchema } from '../lib/wire.ts'

const SHORT = process.argv.includes('--short')
const WARMUP_S = SHORT ? 15 : 30
const RUN_S = SHORT ? 120 : 600
const RATE = Number(process.env.BENCH_RATE ?? 200)
const SAMPLE_S = 10
const GOAL_MB = 30
const IMAGES = ['soak-1', 'soak-2', 'soak-3', 'soak-4']

const MB = 1024 * 1024
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const random = (below: number) => Math.floor(Math.random() * below)

function randomStroke(): string {
  const [r, g, b] = [random(256), random(256), random(256)]
  let x = random(64)
  let y = random(64)
  const values = Array.from({ length: 1 + random(20) }, () => {
    x = Math.min(63, Math.max(0, x + random(3) - 1))
    y = Math.min(63, Math.max(0, y + random(3) - 1))
    return [x, y, r, g, b]
  })
  return JSON.stringify({ command: { command_type: 'draw', values } })
}

const server = await startDraw64({ captureOutput: false })

async function rssBytes(): Promise<number> {
  const text = await (await fetch(server.metricsUrl)).text()
  const line = text.split('\n').find((l) => l.startsWith('process_memory_usage{') || l.startsWith('process_memory_usage '))
  if (!line) throw new Error('no process_memory_usage in /metrics')
  return Number(line.slice(line.lastIndexOf(' ') + 1))
}

function draws(seconds: number) {
  return autocannon({
    url: server.baseUrl,
    connections: 10,
    overallRate: RATE,
    duration: seconds,
    requests: [
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, path: `/api/images/${IMAGES[random(IMAGES.length)]}`, body: randomStroke() }),
      },
    ],
  })
}

// The audience: one live SSE client and the slides' pollers.
const abort = new AbortController()
let sseBytes = 0
async function sseClient(): Promise<void> {
  const response = await fetch(`${server.baseUrl}/api/events`, { signal: abort.signal })
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    sseBytes += value.length
  }
}
let spanCursor = ''
let logCursor = ''
let polls = 0
let pollErrors = 0
async function pollTelemetry(): Promise<void> {
  const spans = spanPageSchema.parse(await (await fetch(`${server.baseUrl}/api/telemetry/spans?after=${encodeURIComponent(spanCursor)}`)).json())
  const logs = logPageSchema.parse(await (await fetch(`${server.baseUrl}/api/telemetry/logs?after=${encodeURIComponent(logCursor)}`)).json())
  spanCursor = spans.cursor
  logCursor = logs.cursor
  polls += 1
}
function every(ms: number, task: () => Promise<unknown>): () => void {
  let busy = false
  const timer = setInterval(() => {
    if (busy || abort.signal.aborted) return
    busy = true
    task()
      .catch(() => (pollErrors += 1))
      .finally(() => (busy = false))
  }, ms)
  return () => clearInterval(timer)
}

const stops: (() => void)[] = []
try {
  for (const id of IMAGES) {
    const response = await fetch(`${server.baseUrl}/api/images/${id}`, { method: 'POST' })
    if (!response.ok) throw new Error(`creating ${id}: ${response.status}`)
  }
  const sse = sseClient().catch((error) => {
    if (!abort.signal.aborted) throw error
  })
  stops.push(every(500, pollTelemetry), every(1000, () => fetch(server.metricsUrl).then((r) => r.text())))

  console.log(`warm-up: ${WARMUP_S} s at ${RATE} req/s (+ 1 SSE client, spans/logs polled every 500 ms, /metrics every 1 s)`)
  const warm = await draws(WARMUP_S)
  console.log(`  ${(warm.requests.total / warm.duration).toFixed(0)} req/s, RSS ${((await rssBytes()) / MB).toFixed(1)} MB`)

  console.log(`soak: ${RUN_S} s at ${RATE} req/s, RSS sampled every ${SAMPLE_S} s (process_memory_usage from /metrics)`)
  const samples: { t: number; mb: number }[] = [{ t: 0, mb: (await rssBytes()) / MB }]
  const started = performance.now()
  const run = draws(RUN_S)
  let running = true
  const sampling = (async () => {
    for (let n = 1; running; n++) {
      await sleep(Math.max(0, started + n * SAMPLE_S * 1000 - performance.now()))
      if (!running) break
      const sample = { t: (performance.now() - started) / 1000, mb: (await rssBytes()) / MB }
      samples.push(sample)
      console.log(`  t=${sample.t.toFixed(0).padStart(3)} s  RSS ${sample.mb.toFixed(1)} MB`)
    }
  })()
  const result = await run
  samples.push({ t: (performance.now() - started) / 1000, mb: (await rssBytes()) / MB })
  running = false
  await sampling
  abort.abort()
  await sse

  const mbs = samples.map((s) => s.mb)
  const start = mbs[0]
  const end = mbs[mbs.length - 1]
  const growth = end - start
  console.log(`\nsoak of ${result.duration.toFixed(0)} s after a ${WARMUP_S} s warm-up${SHORT ? ' (--short)' : ''}:`)
  console.log(`  achieved ${(result.requests.total / result.duration).toFixed(1)} req/s (asked ${RATE}), ${result.requests.total} draws, ` +
    `${result.non2xx} non-2xx, ${result.errors} errors; ${polls} telemetry polls (${pollErrors} failed), ${(sseBytes / MB).toFixed(1)} MB of SSE read`)
  console.log(`  RSS start ${start.toFixed(1)} MB  end ${end.toFixed(1)} MB  max ${Math.max(...mbs).toFixed(1)} MB  growth ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`)
  console.log('  per minute (RSS at the sample nearest each minute mark):')
  let previous = start
  for (let minute = 1; minute * 60 <= RUN_S; minute++) {
    const nearest = samples.reduce((best, s) => (Math.abs(s.t - minute * 60) < Math.abs(best.t - minute * 60) ? s : best))
    const delta = nearest.mb - previous
    console.log(`    minute ${String(minute).padStart(2)}: ${nearest.mb.toFixed(1)} MB (${delta >= 0 ? '+' : ''}${delta.toFixed(1)} MB)`)
    previous = nearest.mb
  }
  // Least-squares slope over all samples, less sensitive to one GC than end − start.
  const n = samples.length
  const meanT = samples.reduce((sum, s) => sum + s.t, 0) / n
  const meanMb = mbs.reduce((sum, v) => sum + v, 0) / n
  const slope = samples.reduce((sum, s) => sum + (s.t - meanT) * (s.mb - meanMb), 0) / samples.reduce((sum, s) => sum + (s.t - meanT) ** 2, 0)
  console.log(`  trend (least squares): ${(slope * 60).toFixed(2)} MB/min`)
  if (Math.abs(result.requests.total / result.duration - RATE) > RATE * 0.05) console.log(`  note: the achieved rate is more than 5 % off the ${RATE} req/s asked`)
  console.log(`  goal: RSS growth over ${RUN_S / 60} min at ${RATE} req/s after warm-up ≤ ${GOAL_MB} MB → ${growth.toFixed(1)} MB, ${growth <= GOAL_MB ? 'met' : 'MISSED'}` +
    (SHORT ? ' (short run: the goal is for 10 min)' : ''))
} finally {
  for (const stop of stops) stop()
  abort.abort()
  await server.stop()
}
