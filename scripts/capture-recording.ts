// npm run capture — records a real run of Draw64 for the slides' "recorded" fallback (static
// build, demo down): it starts the server, plays demo-activity.ts for CAPTURE_SECONDS while
// scraping /metrics every second, then saves spans, logs, scrapes, the board and the
// temporality readings to public/recorded/telemetry.json. Chapter 6's cardinality story is in
// the scrapes: highCardinality from second 6 to 19, the View that fixes it from second 22.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { logPageSchema, spanPageSchema, temporalityAnswerSchema, type Recording } from '../lib/wire.ts'
import { activity, drawStroke, ensureTalkImage, TALK_IMAGE } from './demo-activity.ts'
import { startDraw64 } from '../demo/draw64-process.ts'

const SECONDS = Number(process.env.CAPTURE_SECONDS ?? 30)
const OUTPUT = join(import.meta.dirname, '..', 'public', 'recorded', 'telemetry.json')
const MAX_SPANS = 600
const MAX_LOGS = 150
// The families the slides chart or quote; the rest of a scrape (host, GC, heap spaces…) would
// make the recording megabytes larger for nothing on screen.
const KEPT_FAMILIES = /^(# (HELP|TYPE|UNIT) )?(draw64_|http_server_request_duration|db_client_operation_duration|nodejs_eventloop_delay|v8js_memory_heap_used|process_cpu_time|target_info)/

function keptLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => KEPT_FAMILIES.test(line))
    .join('\n')
}

// The talk's topology, as the HA slides show it: a balancer and two replicas.
const server = await startDraw64({ captureOutput: false, args: ['--replicas', '2'] })
const base = server.baseUrl
const CARDINALITY_STEPS: Record<number, { path: string; body: object }> = {
  6: { path: '/api/demo/faults/highCardinality', body: { enabled: true, value: 100 } },
  20: { path: '/api/demo/faults/highCardinality', body: { enabled: false } },
  22: { path: '/api/demo/cardinality', body: { viewDropsRequestId: true } },
}
const temporality = async () => temporalityAnswerSchema.parse(await (await fetch(`${base}/api/telemetry/temporality`)).json())

try {
  await ensureTalkImage(base)
  const scrapes: Recording['scrapes'] = []
  for (let second = 0; second < SECONDS; second++) {
    const started = Date.now()
    const step = CARDINALITY_STEPS[second]
    if (step) await fetch(`${base}${step.path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(step.body) })
    // Polled like the slide does, so the readings come every second.
    await temporality()
    await activity(base, second)
    scrapes.push({ timeMs: Date.now(), text: keptLines(await (await fetch(server.metricsUrl)).text()) })
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))))
  }
  // End on strokes, so the newest recorded trace (the one LiveTraces opens) is a draw; then
  // leave the replicas time to send their spans of those strokes to the balancer.
  for (let n = 0; n < 3; n++) await drawStroke(base, SECONDS * 4 + n)
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const { spans } = spanPageSchema.parse(await (await fetch(`${base}/api/telemetry/spans?limit=5000`)).json())
  const { logs } = logPageSchema.parse(await (await fetch(`${base}/api/telemetry/logs?limit=5000`)).json())
  const pixels = Buffer.from(await (await fetch(`${base}/api/images/${TALK_IMAGE}/pixels`)).arrayBuffer())
  const recording: Recording = {
    capturedAt: new Date().toISOString(),
    spans: spans.slice(-MAX_SPANS),
    logs: logs.slice(-MAX_LOGS),
    scrapes,
    image: { id: TALK_IMAGE, pixelsBase64: pixels.toString('base64') },
    temporality: await temporality(),
  }
  mkdirSync(join(OUTPUT, '..'), { recursive: true })
  writeFileSync(OUTPUT, JSON.stringify(recording))
  console.log(`recorded ${recording.spans.length} spans, ${recording.logs.length} logs, ${scrapes.length} scrapes → ${OUTPUT}`)
} finally {
  await server.stop()
}
