// From a signal to its cause in one click, in a real Chromium on `npm run dev`: the latency
// spike of the incident slide ("le pixel de trois secondes") selects a slow trace, and a modifier-click on a pixel of the
// board selects the trace of the stroke that painted it.
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { freePort } from '../../demo/free-port.ts'
import { elapsedMs } from '../../lib/span-tree.ts'
import { json, putCommand, spansOfTrace } from '../support/http.ts'
import { browserAvailable, launchBrowser, openSlide, watchedPage, type WatchedPage } from '../support/browser.ts'

const SCREENSHOTS = 'screenshots'
const ADDED_LATENCY_MS = 300

let draw64: Draw64Process
let dev: DevProcess
let browser: Browser
let watched: WatchedPage
let page: Page

const setFault = (name: string, enabled: boolean, value: number) =>
  fetch(`${draw64.baseUrl}/api/demo/faults/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enabled, value }),
  })

describe.runIf(browserAvailable)('correlation in one click', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    draw64 = await startDraw64({ port: await freePort(), metricsPort: await freePort() })
    dev = await startDev({
      DRAW64_PORT: new URL(draw64.baseUrl).port,
      OTEL_EXPORTER_PROMETHEUS_PORT: new URL(draw64.metricsUrl).port,
      DRAW64_DATA_DIR: draw64.dataDir,
    })
    browser = await launchBrowser()
    watched = await watchedPage(browser)
    page = watched.page
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
    await draw64?.stop()
  })

  it('clicking the latency spike while drawLatency is on selects a trace whose apply command carries the added latency', async () => {
    await fetch(`${draw64.baseUrl}/api/images/spike`, { method: 'POST' })
    expect((await setFault('drawLatency', true, ADDED_LATENCY_MS)).status).toBe(200)
    // A few writers drawing without pause: the latency chart climbs past the added latency.
    let drawing = true
    const writers = Array.from({ length: 4 }, async (_, n) => {
      while (drawing) await putCommand(draw64.baseUrl, 'spike', { command_type: 'draw', values: [[n, n, 200, 0, 0]] })
    })
    try {
      await openSlide(page, `${dev.slidesUrl}/incident`)
      // Slidev keeps other slides mounted: the latency chart of this one is the visible one.
      const latency = page.locator('[data-live-component="LiveMetrics"][data-state="live"] [data-metric="latency"]:visible')
      await latency.locator('[data-ready]').waitFor({ timeout: 60_000 })
      // The headline reads `p95 312 ms` (French digits: `1 250,5`).
      const p95 = async () => {
        const text = (await latency.locator('[data-metric-value]').textContent()) ?? ''
        const digits = /p95\s*([\d\s,]+)\s*ms/.exec(text)?.[1] ?? ''
        return Number(digits.replace(/\s/g, '').replace(',', '.')) || 0
      }
      await expect.poll(p95, { timeout: 20_000 }).toBeGreaterThanOrEqual(ADDED_LATENCY_MS)

      const chart = latency.locator('[data-pickable]')
      const traces = page.locator('[data-live-component="LiveTraces"]:visible')
      const dot = latency.locator('[data-exemplar-trace-id]:visible')
      // The latest point: the right edge of the plot. Clicked again if that moment's spans were not polled yet.
      await expect
        .poll(async () => {
          const box = (await chart.boundingBox())!
          await page.mouse.click(box.x + box.width - 30, box.y + box.height / 2)
          return dot.count()
        }, { timeout: 15_000, interval: 1000 })
        .toBe(1)
      const traceId = (await dot.getAttribute('data-exemplar-trace-id'))!
      await expect.poll(() => traces.getAttribute('data-selected-trace-id')).toBe(traceId)

      const apply = (await spansOfTrace(draw64.baseUrl, traceId)).find((span) => span.name === 'apply command')
      expect(apply, `apply command of ${traceId}`).toBeDefined()
      expect(elapsedMs(apply!.startTimeUnixNano, apply!.endTimeUnixNano)).toBeGreaterThanOrEqual(ADDED_LATENCY_MS)
      // The waterfall shows that trace, its critical path marked and named.
      await expect.poll(() => traces.locator('[data-span-id][data-critical]').count()).toBeGreaterThanOrEqual(2)
      await expect.poll(() => traces.locator('[data-critical-path]').textContent()).toMatch(/^\d+\u00a0% du temps\u00a0: apply command$/)
      await page.screenshot({ path: `${SCREENSHOTS}/incident-exemplar.png` })
    } finally {
      drawing = false
      await Promise.all(writers)
      await setFault('drawLatency', false, ADDED_LATENCY_MS)
    }
  })

  it('a modifier-click on a freshly drawn pixel selects the trace of that stroke', async () => {
    await openSlide(page, `${dev.slidesUrl}/draw64-board`)
    const board = page.locator('[data-live-component="Draw64Canvas"][data-state="live"]:visible')
    await board.waitFor({ timeout: 30_000 })
    const box = (await board.locator('canvas').boundingBox())!
    const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const
    const sent = page.waitForRequest((request) => request.method() === 'PUT' && request.url().includes('/draw64/api/images/'))
    await page.mouse.move(...at(0.3, 0.7))
    await page.mouse.down()
    await page.mouse.move(...at(0.6, 0.7), { steps: 6 })
    await page.mouse.up()
    // Every request of a stroke carries the stroke's trace (its browser span is the root).
    const traceparent = (await (await sent).allHeaders()).traceparent!
    const strokeTraceId = traceparent.split('-')[1]

    await page.keyboard.down('Alt')
    await page.mouse.click(...at(0.3, 0.7))
    await page.keyboard.up('Alt')
    await expect.poll(() => board.getAttribute('data-provenance-trace-id'), { timeout: 10_000 }).toBe(strokeTraceId)
    await expect.poll(() => page.locator('[data-live-component="LiveTraces"]:visible').getAttribute('data-selected-trace-id')).toBe(strokeTraceId)
    await expect.poll(() => board.locator('[data-provenance]').textContent()).toMatch(/par le speaker/)
    // The click painted nothing: the pixel is still the stroke's.
    const imageId = (await board.getAttribute('data-image-id'))!
    const x = Math.floor(0.3 * 64)
    const y = Math.floor(0.7 * 64)
    const origin = await json(await fetch(`${draw64.baseUrl}/api/images/${imageId}/provenance?x=${x}&y=${y}`))
    expect(origin.traceId).toBe(strokeTraceId)
    await page.screenshot({ path: `${SCREENSHOTS}/board-provenance.png` })
    expect(watched.errors).toEqual([])
  })
})
