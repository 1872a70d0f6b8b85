// Chapter 6's live lessons in a real Chromium against a real Draw64 through `npm run dev`:
// the cardinality slide counts /metrics' series, its switches drive the flag and the View.
import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { startDraw64, type Draw64Process } from '../../scripts/draw64-process.ts'
import { freePort } from '../../demo/free-port.ts'
import { putCommand } from '../support/http.ts'
import { browserAvailable, launchBrowser, openSlide, watchedPage, type WatchedPage } from '../support/browser.ts'

const SCREENSHOTS = 'screenshots'

let draw64: Draw64Process
let dev: DevProcess
let browser: Browser
let watched: WatchedPage
let page: Page

async function draw(times: number): Promise<void> {
  for (let n = 0; n < times; n++) await putCommand(draw64.baseUrl, 'lessons', { command_type: 'draw', values: [[n % 64, 7, 200, 40, 40]] })
}

describe.runIf(browserAvailable)('production lessons', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    draw64 = await startDraw64({ port: await freePort(), metricsPort: await freePort() })
    await fetch(`${draw64.baseUrl}/api/images/lessons`, { method: 'POST' })
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

  it('cardinality: the flag makes draw64_draws_total climb to its limit, the View brings it back', async () => {
    await openSlide(page, `${dev.slidesUrl}/cardinality`)
    const meter = page.locator('[data-live-component="CardinalityMeter"][data-state="live"]')
    await meter.waitFor({ timeout: 30_000 })
    await expect.poll(async () => Number(await meter.getAttribute('data-series-total')), { timeout: 10_000 }).toBeGreaterThan(20)
    const drawsSeries = async () => Number(await meter.getAttribute('data-draws-series'))

    const flag = meter.locator('[data-cardinality-flag]')
    await expect(flag.isEnabled()).resolves.toBe(true)
    await flag.click()
    await expect.poll(() => flag.getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true')
    await draw(80)
    await expect.poll(drawsSeries, { timeout: 10_000 }).toBe(50)
    await expect.poll(() => meter.locator('[data-overflow]').textContent(), { timeout: 5000 }).toContain('otel_metric_overflow')
    await page.screenshot({ path: `${SCREENSHOTS}/cardinality-exploded.png` })

    const failed: string[] = []
    page.on('requestfailed', (request) => failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`))
    const switched = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().endsWith('/draw64/api/demo/cardinality'), { timeout: 10_000 })
    await meter.locator('[data-cardinality-view]').click()
    const answer = await switched.catch(async (error: Error) => {
      throw new Error(`${error.message}; failed: ${failed.join(' | ')}; message: ${await meter.locator('[data-cardinality-message]').textContent()}; disabled: ${await meter.locator('[data-cardinality-view]').isDisabled()}`)
    })
    expect([answer.status(), await answer.text()]).toEqual([200, expect.stringContaining('"viewDropsRequestId":true')])
    await expect.poll(() => meter.locator('[data-cardinality-view]').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true')
    await draw(10)
    await expect.poll(drawsSeries, { timeout: 10_000 }).toBe(1)
    await page.screenshot({ path: `${SCREENSHOTS}/cardinality-fixed.png` })

    await flag.click()
    await expect.poll(() => flag.getAttribute('aria-pressed'), { timeout: 5000 }).toBe('false')
    expect(watched.errors).toEqual([])
  })

  it('temporality: the room’s pixels show as delta bars and a cumulative staircase, read at the same ticks', async () => {
    await openSlide(page, `${dev.slidesUrl}/temporality`)
    const view = page.locator('[data-live-component="Temporality"][data-state="live"]')
    await view.waitFor({ timeout: 30_000 })
    const before = Number((await view.getAttribute('data-cumulative-last')) || 0)
    for (let round = 0; round < 3; round++) {
      await putCommand(draw64.baseUrl, 'lessons', { command_type: 'draw', values: Array.from({ length: 8 }, (_, x) => [x, 20 + round, 9, 90, 200]) })
      await new Promise((resolve) => setTimeout(resolve, 1100))
    }
    await expect.poll(async () => Number(await view.getAttribute('data-cumulative-last')), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 24)
    const bars = await view.locator('rect').evaluateAll((rects) => rects.filter((rect) => Number(rect.getAttribute('height')) > 0).length)
    expect(bars).toBeGreaterThanOrEqual(2)
    expect(await view.locator('[data-temporality-row]').count()).toBe(3)
    await page.screenshot({ path: `${SCREENSHOTS}/temporality.png` })
    expect(watched.errors).toEqual([])
  })

  it('the incident’s panel shows its three flags, not highCardinality, and fits them', async () => {
    await openSlide(page, `${dev.slidesUrl}/incident`)
    const panel = page.locator('[data-live-component="DemoControls"]:visible')
    await panel.waitFor({ timeout: 30_000 })
    expect(await panel.locator('[data-fault]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-fault')))).toEqual(['drawLatency', 'drawErrors', 'slowDatabase'])
    const last = panel.locator('[data-fault="slowDatabase"]')
    const [panelBox, lastBox] = [await panel.boundingBox(), await last.boundingBox()]
    expect(lastBox!.y + lastBox!.height).toBeLessThanOrEqual(panelBox!.y + panelBox!.height)
    await page.screenshot({ path: `${SCREENSHOTS}/incident-controls.png` })
  })

  // Last: it stops the demo.
  it('with the demo gone, both slides fall back to the recording and still tell their story', async () => {
    await draw64.stop()
    await openSlide(page, `${dev.slidesUrl}/temporality`)
    const view = page.locator('[data-live-component="Temporality"]')
    await expect.poll(() => view.getAttribute('data-state'), { timeout: 30_000 }).toBe('recorded')
    await expect.poll(() => view.locator('[data-temporality-row]').count(), { timeout: 10_000 }).toBe(3)
    await page.screenshot({ path: `${SCREENSHOTS}/temporality-recorded.png` })

    await openSlide(page, `${dev.slidesUrl}/cardinality`)
    const meter = page.locator('[data-live-component="CardinalityMeter"]')
    await expect.poll(() => meter.getAttribute('data-state'), { timeout: 30_000 }).toBe('recorded')
    await expect.poll(async () => Number(await meter.getAttribute('data-series-total')), { timeout: 10_000 }).toBeGreaterThan(20)
    expect(await meter.locator('[data-cardinality-flag]').isDisabled()).toBe(true)
    await page.screenshot({ path: `${SCREENSHOTS}/cardinality-recorded.png` })
  })
})
