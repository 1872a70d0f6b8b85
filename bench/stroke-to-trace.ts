// npm run bench:stroke — how long after a stroke on the slide's board its trace shows in
// LiveTraces: `npm run dev` on free ports, Chromium on the slide that has both, STROKES
// strokes drawn with the mouse, each timed in the page from the mouse-up to the first new
// `PUT` row of LiveTraces. Prints p50, p95 and the maximum.
import type { Page } from 'playwright-chromium'
import { startDev } from '../scripts/dev-process.ts'
import { launchBrowser } from '../scripts/find-browser.ts'
import { freePort } from '../demo/free-port.ts'

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

/** Resolves with the ms from now until LiveTraces shows a PUT trace it did not show before. */
function timeNextTrace(page: Page): Promise<number> {
  return page.evaluate(TIME_NEXT_TRACE) as Promise<number>
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
  const sorted = [...latencies].sort((a, b) => a - b)
  console.log(`${STROKES} strokes, mouse-up → new trace row in LiveTraces (ms):`)
  console.log(`  p50 ${percentile(sorted, 50).toFixed(0)}   p95 ${percentile(sorted, 95).toFixed(0)}   max ${sorted.at(-1)!.toFixed(0)}   (goal p95 ≤ 1000)`)
} finally {
  await browser.close()
  await dev.stop()
}
