// npm run bench:stroke — how long after a stroke its trace shows in LiveTraces: `npm run dev`
// on free ports, Chromium on the slide that has the board and the traces. Two kinds of strokes,
// STROKES of each:
// - drawn with the mouse on the board, timed in the page from the mouse-up to the first new
//   `PUT` row of LiveTraces;
// - a PUT through the slides' proxy carrying a `traceparent` whose parent span is never
//   exported (a client that propagates but does not export), timed from the request to the row
//   of that trace id.
// Prints p50, p95 and the maximum of each.
import type { Page } from 'playwright-chromium'
import { startDev } from '../scripts/dev-process.ts'
import { launchBrowser } from '../scripts/find-browser.ts'
import { freePort } from '../demo/free-port.ts'
import { DRAW64_PROXY_PATH } from '../lib/demo-endpoints.ts'

const STROKES = Number(process.env.BENCH_STROKES ?? 50)
const SLIDE = 'draw64-board'

// In-page code as a string: tsx would otherwise wrap its inner functions in a helper that
// does not exist in the page.
const TIME_NEXT_TRACE = `new Promise((resolve, reject) => {
  // Slidev keeps every slide mounted: the slide on screen holds the visible one.
  const root = [...document.querySelectorAll('[data-live-component="LiveTraces"]')].find((element) => element.checkVisibility())
  // The slide's filter keeps draws only; a row reads "PUT …" or, once the browser's spans are in, "stroke".
  const putRows = () => [...root.querySelectorAll('[data-trace-id]')]
  const known = new Set(putRows().map((row) => row.getAttribute('data-trace-id')))
  const started = performance.now()
  const observer = new MutationObserver(() => {
    if (putRows().some((row) => !known.has(row.getAttribute('data-trace-id')))) {
      observer.disconnect()
      resolve(performance.now() - started)
    }
  })
  observer.observe(root, { subtree: true, childList: true, attributes: true })
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

/** Resolves with the ms from now until LiveTraces shows a PUT trace it did not show before. */
function timeNextTrace(page: Page): Promise<number> {
  return page.evaluate(TIME_NEXT_TRACE) as Promise<number>
}

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
  const box = (await page.locator('[data-live-component="Draw64Canvas"]:visible canvas').boundingBox())!
  const latencies: number[] = []
  for (let stroke = 0; stroke < STROKES; stroke++) {
    const y = box.y + box.height * (0.1 + (0.8 * stroke) / STROKES)
    await page.mouse.move(box.x + box.width * 0.2, y)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 })
    const measured = timeNextTrace(page)
    await page.mouse.up()
    latencies.push(await measured)
    await page.waitForTimeout(300)
  }
  report(`${STROKES} strokes on the board, mouse-up → new trace row in LiveTraces (ms):`, latencies)

  const foreign: number[] = []
  const imageUrl = `${dev.slidesUrl.replace(/\/$/, '')}${DRAW64_PROXY_PATH}/api/images/bench-foreign`
  await fetch(imageUrl, { method: 'POST' })
  for (let stroke = 0; stroke < STROKES; stroke++) {
    const traceId = hex(16)
    const shown = page.evaluate(`(${WAIT_FOR_TRACE})(${JSON.stringify(traceId)})`)
    const started = performance.now()
    const response = await fetch(imageUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${hex(8)}-01` },
      body: JSON.stringify({ command: { command_type: 'draw', values: [[stroke % 64, 5, 30, 30, 200]] } }),
    })
    if (!response.ok) throw new Error(`PUT answered ${response.status}`)
    await shown
    foreign.push(performance.now() - started)
    // Spread over the poll period, as strokes from phones are.
    await page.waitForTimeout(150 + Math.random() * 300)
  }
  report(`${STROKES} PUTs with a foreign parent, request → row of that trace in LiveTraces (ms):`, foreign)
} finally {
  await browser.close()
  await dev.stop()
}
