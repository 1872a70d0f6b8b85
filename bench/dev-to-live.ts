// npm run bench:dev-to-live — from typing `npm run dev` (deps installed) to live data on the
// first live slide (goal ≤ 8 s). Each run: the real `npm run dev` (npm and tsx start included)
// on free ports, timed from the spawn to the slides server answering and reaching Draw64, then
// a fresh Chromium context on `/draw64-board` until Draw64Canvas and LiveTraces both show
// data-state="live" (cold: the first page load, which includes Vite compiling the deck), then a
// second fresh context on the same dev server (warm). BENCH_RUNS runs (default 3), dev stopped
// and started between them. Prints median and max of each phase: dev up, first render, data.
// BENCH_VITE_CACHE=cold deletes Vite's optimised dependencies (node_modules/.vite/deps) before
// each run, as for the first `npm run dev` after an install (not while another dev server runs
// in this checkout: it serves from there).
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-chromium'
import { startDev } from '../scripts/dev-process.ts'
import { launchBrowser } from '../scripts/find-browser.ts'
import { freePort } from '../demo/free-port.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const COLD_CACHE = process.env.BENCH_VITE_CACHE === 'cold'
const SLIDE = 'draw64-board'
const GOAL_MS = 8000
const LIVE = ['Draw64Canvas', 'LiveTraces'].map((name) => `[data-live-component="${name}"][data-state="live"]`)

interface PageTimes {
  render: number // goto → the slide's first live component in the DOM
  data: number // first live component → both live
}

async function openSlide(browser: Browser, slidesUrl: string): Promise<PageTimes> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  try {
    const page = await context.newPage()
    const start = performance.now()
    await page.goto(`${slidesUrl}/${SLIDE}`, { waitUntil: 'commit', timeout: 60_000 })
    // Slidev also mounts neighbouring slides (hidden), so wait for this slide's own components.
    await page.waitForSelector('[data-live-component="Draw64Canvas"], [data-live-component="LiveTraces"]', { state: 'attached', timeout: 60_000 })
    const rendered = performance.now()
    for (const selector of LIVE) await page.waitForSelector(selector, { timeout: 60_000 })
    const live = performance.now()
    return { render: rendered - start, data: live - rendered }
  } finally {
    await context.close()
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`

const cold: { devUp: number; render: number; data: number; total: number }[] = []
const warm: { render: number; data: number; total: number }[] = []
const browser = await launchBrowser() // launched once, outside the timing
try {
  for (let run = 1; run <= RUNS; run++) {
    const env = {
      DRAW64_PORT: String(await freePort()),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      DRAW64_DATA_DIR: `/tmp/draw64-bench-dev-${process.pid}-${run}`,
    }
    if (COLD_CACHE) rmSync(join(import.meta.dirname, '../node_modules/.vite/deps'), { recursive: true, force: true })
    const spawned = performance.now()
    const dev = await startDev(env, [], { viaNpm: true }) // resolves once the slides answer and reach Draw64
    const devUp = performance.now() - spawned
    try {
      const first = await openSlide(browser, dev.slidesUrl)
      const second = await openSlide(browser, dev.slidesUrl)
      cold.push({ devUp, ...first, total: devUp + first.render + first.data })
      warm.push({ ...second, total: second.render + second.data })
      console.log(
        `run ${run}: cold ${ms(cold.at(-1)!.total)} (dev up ${ms(devUp)}, render ${ms(first.render)}, data ${ms(first.data)})` +
          `   warm ${ms(warm.at(-1)!.total)} (render ${ms(second.render)}, data ${ms(second.data)})`,
      )
    } finally {
      await dev.stop()
    }
  }
} finally {
  await browser.close()
}

const row = (label: string, values: number[]) => console.log(`  ${label.padEnd(28)} median ${ms(median(values))}   max ${ms(Math.max(...values))}`)
console.log(`\n${RUNS} runs${COLD_CACHE ? ' (Vite cache deleted before each)' : ''}, /${SLIDE}, Draw64Canvas + LiveTraces live (goal ≤ ${GOAL_MS} ms from the spawn):`)
console.log('cold (spawn → live on the first page load):')
row('total', cold.map((r) => r.total))
row('spawn → slides server up', cold.map((r) => r.devUp))
row('goto → first live component', cold.map((r) => r.render))
row('→ both live (data)', cold.map((r) => r.data))
console.log('warm (fresh context, same dev server):')
row('total', warm.map((r) => r.total))
row('goto → first live component', warm.map((r) => r.render))
row('→ both live (data)', warm.map((r) => r.data))
const parts = { 'dev server up': median(cold.map((r) => r.devUp)), 'first page render': median(cold.map((r) => r.render)), data: median(cold.map((r) => r.data)) }
const [dominant, dominantMs] = Object.entries(parts).sort((a, b) => b[1] - a[1])[0]
const coldMedian = median(cold.map((r) => r.total))
console.log(`\ndominant part of cold: ${dominant} (${((100 * dominantMs) / coldMedian).toFixed(0)} % of the median)`)
console.log(`goal ≤ ${GOAL_MS} ms: cold median ${coldMedian <= GOAL_MS ? 'met' : 'NOT met'}, cold max ${Math.max(...cold.map((r) => r.total)) <= GOAL_MS ? 'met' : 'NOT met'}`)
