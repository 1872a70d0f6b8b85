// The talk as the audience sees it: `npm run dev` on free ports, a real Chromium, a stroke on
// the board slide, and its telemetry on the traces, metrics and logs slides; then the demo
// stops and comes back while a live slide polls.
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { freePort } from '../../demo/free-port.ts'
import { putCommand } from '../support/http.ts'
import { browserAvailable, launchBrowser, openSlide, watchedPage, type WatchedPage } from '../support/browser.ts'

const SCREENSHOTS = 'screenshots'

let draw64: Draw64Process
let dev: DevProcess
let browser: Browser
let watched: WatchedPage
let page: Page

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` })
}

describe.runIf(browserAvailable)('live slides', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    // Draw64 runs on its own so the test can stop and restart it; `npm run dev` reuses it.
    draw64 = await startDraw64({ port: await freePort(), metricsPort: await freePort() })
    const ports = {
      DRAW64_PORT: new URL(draw64.baseUrl).port,
      OTEL_EXPORTER_PROMETHEUS_PORT: new URL(draw64.metricsUrl).port,
      DRAW64_DATA_DIR: draw64.dataDir,
    }
    dev = await startDev(ports)
    browser = await launchBrowser()
    watched = await watchedPage(browser)
    page = watched.page
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
    await draw64?.stop()
  })

  it('sends a stroke drawn on the board slide to Draw64', async () => {
    await openSlide(page, `${dev.slidesUrl}/draw64-board`)
    const board = page.locator('[data-live-component="Draw64Canvas"][data-state="live"]:visible')
    await board.waitFor({ timeout: 30_000 })
    const box = (await board.locator('canvas').boundingBox())!
    const sent = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/draw64/api/images/'))
    // Through the middle of row 32, whatever the board's size on screen: 0.5 would be the edge between rows 31 and 32.
    const row32 = box.y + (box.height * 32.5) / 64
    await page.mouse.move(box.x + box.width * 0.2, row32)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.8, row32, { steps: 12 })
    await page.mouse.up()
    expect((await sent).status()).toBe(200)
    // The board sends a stroke in batches: the middle of the line arrives with a later one.
    const imageId = await board.getAttribute('data-image-id')
    const middle = (32 * 64 + 32) * 3
    const middlePixel = async () => {
      const pixels = new Uint8Array(await (await fetch(`${draw64.baseUrl}/api/images/${imageId}/pixels`)).arrayBuffer())
      return [...pixels.subarray(middle, middle + 3)]
    }
    await expect.poll(middlePixel, { timeout: 5000 }).not.toEqual([255, 255, 255])
    await shoot('board')
  })

  it('lists the stroke as a trace and draws its waterfall', async () => {
    await openSlide(page, `${dev.slidesUrl}/live-traces`)
    // The board slide's LiveTraces, hidden now, may hold the same trace: the one on screen is meant.
    const traces = page.locator('[data-live-component="LiveTraces"][data-state="live"]:visible')
    await traces.waitFor({ timeout: 15_000 })
    // Rooted at the server's span, then at the browser's `stroke` once the browser has exported it.
    const drawRow = traces.locator('[data-trace-id]', { hasText: /stroke|PUT \/api\/images\/:id/ }).first()
    await drawRow.waitFor({ timeout: 10_000 })
    await drawRow.click()
    await expect.poll(() => traces.locator('[data-span-id]').count(), { timeout: 5000 }).toBeGreaterThanOrEqual(6)
    await expect.poll(() => traces.textContent()).toContain('UPDATE images')
    await shoot('traces')
  })

  it('shows a non-zero request rate computed from /metrics', async () => {
    await openSlide(page, `${dev.slidesUrl}/live-metrics`)
    const rate = page.locator('[data-live-component="LiveMetrics"][data-state="live"] [data-metric="requestRate"]')
    await rate.waitFor({ timeout: 15_000 })
    // Keep drawing so that the last scrape interval has requests in it.
    const drawing = (async () => {
      for (let n = 0; n < 40; n++) {
        await putCommand(draw64.baseUrl, 'talk', { command_type: 'draw', values: [[n, 5, 10, 200, 10]] })
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })()
    await expect
      .poll(async () => Number((await rate.textContent())?.match(/[\d.,]+/)?.[0]?.replace(',', '.') ?? 0), { timeout: 10_000 })
      .toBeGreaterThan(0)
    await drawing
    await shoot('metrics')
  })

  it('shows the log lines of the draws with their trace ids', async () => {
    await openSlide(page, `${dev.slidesUrl}/live-logs`)
    const logs = page.locator('[data-live-component="LiveLogs"][data-state="live"]')
    const line = logs.locator('[data-log-line][data-trace-id]', { hasText: 'draw applied to talk' }).first()
    await line.waitFor({ timeout: 10_000 })
    expect(await line.getAttribute('data-trace-id')).toMatch(/^[0-9a-f]{32}$/)
    await shoot('logs')
  })

  it('keeps "Effacer" and the waterfall sane after an attendee’s hostile export', async () => {
    await openSlide(page, `${dev.slidesUrl}/live-traces`)
    const traces = page.locator('[data-live-component="LiveTraces"]:visible')
    await expect.poll(() => traces.getAttribute('data-state'), { timeout: 10_000 }).toBe('live')

    // The attendee, as the slides' proxy forwards them; a server trace of the speaker to graft onto.
    const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('')
    const speakerTrace = `00-${hex(16)}-${hex(8)}-01`
    await fetch(`${draw64.baseUrl}/api/images/talk`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', traceparent: speakerTrace },
      body: JSON.stringify({ command: { command_type: 'draw', values: [[1, 60, 1, 1, 1]] } }),
    })
    const hostile = (traceId: string, name: string, startMs: number) => {
      const start = BigInt(startMs) * 1_000_000n
      return { traceId, spanId: hex(8), name, kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1_000_000n) }
    }
    const exportAsAttendee = (spans: object[]) =>
      fetch(`${draw64.baseUrl}/rum/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.99' },
        body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] }),
      })
    expect((await exportAsAttendee([hostile(hex(16), 'stroke', Date.UTC(9999, 0, 1))])).status).toBe(400)
    expect((await exportAsAttendee([hostile(speakerTrace.split('-')[1]!, 'stroke', 0)])).status).toBe(400)
    expect((await exportAsAttendee([hostile(hex(16), 'EVE WAS HERE', Date.now())])).status).toBe(200)

    await traces.locator('[data-action="clear"]').click()
    // A stroke drawn after "Effacer" is listed: nothing future-dated hides it.
    await putCommand(draw64.baseUrl, 'talk', { command_type: 'draw', values: [[2, 60, 2, 2, 2]] })
    const row = traces.locator('[data-trace-id]', { hasText: 'PUT /api/images/:id' }).first()
    await row.waitFor({ timeout: 10_000 })
    await row.click()
    await expect.poll(() => traces.locator('[data-span-id]').count(), { timeout: 5000 }).toBeGreaterThanOrEqual(3)
    const text = (await traces.textContent()) ?? ''
    expect(text).not.toContain('EVE WAS HERE')
    // Every duration on screen, the waterfall's axis included, is milliseconds, not years.
    const durations = [...text.matchAll(/(\d+(?:\.\d+)?) ms/g)].map((match) => Number(match[1]))
    expect(durations.length).toBeGreaterThan(0)
    expect(Math.max(...durations)).toBeLessThan(60_000)
    await shoot('traces-after-hostile-export')
  })

  it('shows "reconnecting" while the demo is down, and live data within 3 s of its return', async () => {
    await openSlide(page, `${dev.slidesUrl}/live-traces`)
    // Slidev keeps every slide in the page: the one on screen is the visible one.
    const traces = page.locator('[data-live-component="LiveTraces"]:visible')
    await expect.poll(() => traces.getAttribute('data-state'), { timeout: 10_000 }).toBe('live')

    const { dataDir } = draw64
    const ports = { port: Number(new URL(draw64.baseUrl).port), metricsPort: Number(new URL(draw64.metricsUrl).port) }
    await draw64.stop()
    await expect.poll(() => traces.getAttribute('data-state'), { timeout: 10_000 }).toBe('reconnecting')
    await shoot('reconnecting')

    draw64 = await startDraw64({ dataDir, ...ports })
    const back = Date.now()
    await expect.poll(() => traces.getAttribute('data-state'), { timeout: 3000, interval: 100 }).toBe('live')
    expect(Date.now() - back).toBeLessThan(3000)
  })

  it('raised no uncaught exception and no console error in the page', () => {
    // The proxy answers 502/504 while the demo is down: those are the expected failures.
    expect(watched.errors.filter((error) => !/50[24]|Failed to load resource/.test(error))).toEqual([])
  })
})
