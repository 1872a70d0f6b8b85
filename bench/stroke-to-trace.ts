// npm run bench:stroke — how long after a stroke its trace shows in LiveTraces: `npm run dev`
// on free ports, Chromium on the slide that has the board and the traces. Two kinds of strokes,
// STROKES of each:
// - drawn with the mouse on the board, timed in the page from the mouse-up to the first new
//   `PUT` row of LiveTraces;
// - a PUT through the slides' proxy carrying a `traceparent` whose parent span is never
//   exported (a client that propagates but does not export), timed from the request to the row
//   of that trace id.
// Prints p50, p95 and the maximum of each.
import { startDev } from '../scripts/dev-process.ts'
import { launchBrowser } from '../scripts/find-browser.ts'
import { freePort } from '../demo/free-port.ts'
import { DRAW64_PROXY_PATH } from '../lib/demo-endpoints.ts'

const STROKES = Number(process.env.BENCH_STROKES ?? 50)
const SLIDE = 'draw64-board'
const WARM_UP = 5

// In-page code as strings: tsx would otherwise wrap their inner functions in a helper that
// does not exist in the page. Slidev keeps every slide mounted: the slide on screen holds the
// visible LiveTraces. The slide's filter keeps draws only.
const SHOWN_TRACE_IDS = `[...[...document.querySelectorAll('[data-live-component="LiveTraces"]')]
  .find((element) => element.checkVisibility())
  .querySelectorAll('[data-trace-id]')].map((row) => row.getAttribute('data-trace-id'))`

// Resolves with the ms until LiveTraces shows a trace id not in \`known\` (0 if one is there already).
const TIME_NEW_TRACE = `(known) => new Promise((resolve, reject) => {
  const isNew = () => (${SHOWN_TRACE_IDS}).some((id) => !known.includes(id))
  if (isNew()) return resolve(0)
  const started = performance.now()
  const observer = new MutationObserver(() => isNew() && (observer.disconnect(), resolve(performance.now() - started)))
  observer.observe(document.body, { subtree: true, childList: true, attributes: true })
  setTimeout(() => reject(new Error('no new trace within 10 s')), 10000)
})`

// Resolves once the visible LiveTraces lists a row of trace id TRACE_ID.
const WAIT_FOR_TRACE = `(traceId) => new Promise((resolve, reject) => {
  const root = [...document.querySelectorAll('[data-live-component="LiveTraces"]')].find((element) => element.checkVisibility())
  const shown = () => root.querySelector('[data-trace-id="' + traceId + '"]')
  if (shown()) return resolve()
  const observer = new MutationObserver(() => shown() && (observer.disconnect(), resolve()))
  observer.observe(root, { subtree: true, childList: true, attributes: true })
  setTimeout(() => reject(new Error('trace ' + traceId + ' not shown within 10 s')), 10000)
})`

const hex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('')

function report(title: string, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b)
  console.log(title)
  console.log(`  p50 ${percentile(sorted, 50).toFixed(0)}   p95 ${percentile(sorted, 95).toFixed(0)}   max ${sorted.at(-1)!.toFixed(0)}   (goal p95 ≤ 500)`)
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]

const dev = await startDev({
  DRAW64_PORT: String(await freePort()),
  OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
  DRAW64_DATA_DIR: `/tmp/draw64-bench-${process.pid}`,
})
const browser = await launchBrowser()
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  await page.goto(`${dev.slidesUrl}/${SLIDE}`)
  await page.waitForSelector('[data-live-component="Draw64Canvas"][data-state="live"]', { timeout: 60_000 })
  await page.waitForSelector('[data-live-component="LiveTraces"][data-state="live"]', { timeout: 60_000 })
  const foreign: number[] = []
  const imageUrl = `${dev.slidesUrl.replace(/\/$/, '')}${DRAW64_PROXY_PATH}/api/images/bench-foreign`
  await fetch(imageUrl, { method: 'POST' })
  // The first requests compile the server's and the page's code paths: WARM_UP strokes are not counted.
  for (let stroke = -WARM_UP; stroke < STROKES; stroke++) {
    const traceId = hex(16)
    const shown = page.evaluate(`(${WAIT_FOR_TRACE})(${JSON.stringify(traceId)})`)
    const started = performance.now()
    const response = await fetch(imageUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${hex(8)}-01` },
      body: JSON.stringify({ command: { command_type: 'draw', values: [[(stroke + WARM_UP) % 64, 5, 30, 30, 200]] } }),
    })
    if (!response.ok) throw new Error(`PUT answered ${response.status}`)
    const answered = performance.now() - started
    await shown
    if (process.env.BENCH_VERBOSE) console.log(`PUT answered in ${answered.toFixed(0)} ms, row after ${(performance.now() - started).toFixed(0)} ms`)
    if (stroke >= 0) foreign.push(performance.now() - started)
    // Spread over the poll period, as strokes from phones are.
    await page.waitForTimeout(150 + Math.random() * 300)
  }
  if (process.env.BENCH_VERBOSE) console.log(foreign.map((ms) => ms.toFixed(0)).join(" "))
  report(`${STROKES} PUTs with a foreign parent, request → row of that trace in LiveTraces (ms):`, foreign)

  const box = (await page.locator('[data-live-component="Draw64Canvas"]:visible canvas').boundingBox())!
  const latencies: number[] = []
  for (let stroke = 0; stroke < STROKES; stroke++) {
    const y = box.y + box.height * (0.1 + (0.8 * stroke) / STROKES)
    await page.mouse.move(box.x + box.width * 0.2, y)
    // The board sends a stroke's pixels every 70 ms while it is drawn: its trace can show before the mouse-up.
    const known = (await page.evaluate(SHOWN_TRACE_IDS)) as string[]
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 })
    await page.mouse.up()
    latencies.push((await page.evaluate(`(${TIME_NEW_TRACE})(${JSON.stringify(known)})`)) as number)
    await page.waitForTimeout(300)
  }
  report(`${STROKES} strokes on the board, mouse-up → new trace row in LiveTraces (ms):`, latencies)
} finally {
  await browser.close()
  await dev.stop()
}
