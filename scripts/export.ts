// npm run export — the whole deck as a PDF with real telemetry in it, in one command: finds a
// Chromium, starts Draw64 unless one already answers, runs `slidev export` (which waits for each
// component's data-waitfor selector) while drawing on the board, and stops what it started.
// One page per slide, clicks revealed.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadConfig } from '../demo/config.ts'
import { activity, drawStroke, ensureTalkImage } from './demo-activity.ts'
import { startDraw64, type Draw64Process } from '../demo/draw64-process.ts'
import { findBrowser, MISSING_BROWSER_HELP } from './find-browser.ts'

const ROOT = join(import.meta.dirname, '..')
const OUTPUT = resolve(process.env.EXPORT_OUTPUT ?? join(ROOT, 'exports', 'observability-101-otel.pdf'))

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' })
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${args.join(' ')} exited with ${code}`))))
  })
}

const started = Date.now()
const executablePath = findBrowser()
if (!executablePath) {
  console.error(MISSING_BROWSER_HELP)
  process.exit(1)
}

const config = loadConfig()
const configured = `http://127.0.0.1:${config.port}`
let draw64: Draw64Process | undefined
let ports: Record<string, string> = {}
let baseUrl = configured
if (await answers(configured)) {
  console.log(`Using the Draw64 already running at ${configured}`)
} else {
  // The talk's topology, as the HA slides show it after « + Réplique »: a balancer and two replicas.
  draw64 = await startDraw64({ captureOutput: false, args: ['--replicas', '2'] })
  baseUrl = draw64.baseUrl
  ports = { DRAW64_PORT: new URL(draw64.baseUrl).port, OTEL_EXPORTER_PROMETHEUS_PORT: new URL(draw64.metricsUrl).port }
  console.log(`Started Draw64 for the export at ${baseUrl}`)
}

try {
  await ensureTalkImage(baseUrl)
  // End on strokes, so that a waterfall printed before the drawing below has gone on opens a draw.
  for (let n = 0; n < 3; n++) await drawStroke(baseUrl, n)

  mkdirSync(join(OUTPUT, '..'), { recursive: true })
  // Draw while Slidev starts and prints, not before: a printed chart's rates come from the
  // scrapes its slide takes once mounted, a dozen seconds into the export, and the traces and
  // logs printed are those of the same seconds.
  let exporting = true
  const background = (async () => {
    for (let second = 1; exporting; second++) {
      const tick = Date.now()
      await activity(baseUrl, second)
      await new Promise((done) => setTimeout(done, Math.max(0, 1000 - (Date.now() - tick))))
    }
  })()
  await run(
    process.execPath,
    [
      'node_modules/@slidev/cli/bin/slidev.mjs',
      'export',
      '--output',
      OUTPUT,
      '--executable-path',
      executablePath,
      '--timeout',
      '120000',
    ],
    { ...process.env, ...ports },
  ).finally(() => (exporting = false))
  await background
  console.log(`\nPDF written to ${OUTPUT} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
} finally {
  await draw64?.stop()
}
