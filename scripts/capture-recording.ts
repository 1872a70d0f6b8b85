// npm run capture — records a real run of Draw64 for the slides' "recorded" fallback (static
// build, demo down): it starts the server, draws a picture stroke by stroke with a few mistakes
// and readers, scrapes /metrics every second, then saves spans, logs, scrapes and the board
// to public/recorded/telemetry.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Recording } from '../lib/telemetry-types.ts'
import { startDraw64 } from './draw64-process.ts'

const SECONDS = Number(process.env.CAPTURE_SECONDS ?? 30)
const OUTPUT = join(import.meta.dirname, '..', 'public', 'recorded', 'telemetry.json')
const IMAGE = 'talk'
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

const server = await startDraw64({ captureOutput: false })
const base = server.baseUrl

function put(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(`${base}/api/images/${IMAGE}`, { method: 'PUT', headers, body: JSON.stringify(body) })
}

/** One stroke of the drawing: a run of pixels along a circle arc, in one colour. */
function stroke(step: number): number[][] {
  const hue = step % 3
  const colour = [hue === 0 ? 230 : 40, hue === 1 ? 200 : 60, hue === 2 ? 240 : 80]
  const radius = 8 + (step % 20)
  return Array.from({ length: 12 }, (_, n) => {
    const angle = ((step * 12 + n) / 60) * Math.PI
    return [Math.round(32 + radius * Math.cos(angle)), Math.round(32 + radius * Math.sin(angle)), ...colour]
  })
}

async function activity(second: number): Promise<void> {
  for (let n = 0; n < 4; n++) await put({ command: { command_type: 'draw', values: stroke(second * 4 + n) } })
  if (second % 5 === 2) await put({ command: { command_type: 'draw', values: [[64, 3, 255, 0, 0]] } }) // a 400
  if (second % 7 === 3) await fetch(`${base}/api/images/${IMAGE}.png`)
  if (second % 3 === 0) await fetch(`${base}/api/images/${IMAGE}/pixels`)
  if (second % 11 === 5) await fetch(`${base}/api/images/missing-image`) // a 404
}

try {
  await fetch(`${base}/api/images/${IMAGE}`, { method: 'POST' })
  const scrapes: Recording['scrapes'] = []
  for (let second = 0; second < SECONDS; second++) {
    const started = Date.now()
    await activity(second)
    scrapes.push({ timeMs: Date.now(), text: keptLines(await (await fetch(server.metricsUrl)).text()) })
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))))
  }
  // End on strokes, so the newest recorded trace (the one LiveTraces opens) is a draw.
  for (let n = 0; n < 3; n++) await put({ command: { command_type: 'draw', values: stroke(SECONDS * 4 + n) } })
  const { spans } = await (await fetch(`${base}/api/telemetry/spans?limit=5000`)).json()
  const { logs } = await (await fetch(`${base}/api/telemetry/logs?limit=5000`)).json()
  const pixels = Buffer.from(await (await fetch(`${base}/api/images/${IMAGE}/pixels`)).arrayBuffer())
  const recording: Recording = {
    capturedAt: new Date().toISOString(),
    spans: spans.slice(-MAX_SPANS),
    logs: logs.slice(-MAX_LOGS),
    scrapes,
    image: { id: IMAGE, pixelsBase64: pixels.toString('base64') },
  }
  mkdirSync(join(OUTPUT, '..'), { recursive: true })
  writeFileSync(OUTPUT, JSON.stringify(recording))
  console.log(`recorded ${recording.spans.length} spans, ${recording.logs.length} logs, ${scrapes.length} scrapes → ${OUTPUT}`)
} finally {
  await server.stop()
}
