// The whole talk on the Node that runs the tests, in a minute: `npm run dev` as the speaker types
// it, a draw through the slides' proxy, the draw counted on /metrics, and one live slide showing
// it in Chromium. CI runs this file alone on Node 22 and 26 (`npm run test:smoke`), and with the
// rest of the suite on Node 24. EXPECT_NODE_MAJOR makes sure it ran on the Node CI asked for.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../demo/free-port.ts'
import { createDemoControlApi } from '../../lib/demo-control-api.ts'
import { DRAW64_PROXY_PATH, endpoints } from '../../lib/demo-endpoints.ts'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { browserAvailable, launchBrowser, openSlide, watchedPage } from '../support/browser.ts'
import { json } from '../support/http.ts'

let dev: DevProcess
let browser: Browser

const pixelsDrawn = (metrics: string) => Number(/^draw64_pixels_drawn_total(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1] ?? 0)

describe.runIf(browserAvailable)(`the talk on Node ${process.versions.node}`, { timeout: 60_000 }, () => {
  beforeAll(async () => {
    const env = {
      DRAW64_PORT: String(await freePort()),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      DRAW64_DATA_DIR: mkdtempSync(join(tmpdir(), 'draw64-smoke-')),
    }
    dev = await startDev(env, [], { viaNpm: true })
    browser = await launchBrowser()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
  })

  it('runs on the Node the CI asked for', () => {
    const expected = process.env.EXPECT_NODE_MAJOR
    if (expected) expect(process.versions.node.split('.')[0]).toBe(expected)
  })

  it('runs Draw64 as the balancer in front of one replica, ready for "La HA, en vrai"', async () => {
    // The balancer answers at once; its replica may still be starting.
    const api = createDemoControlApi({ base: `${dev.slidesUrl}${DRAW64_PROXY_PATH}` })
    await expect
      .poll(async () => (await api.replicas()).replicas.map(({ name, state }) => ({ name, state })), { timeout: 30_000 })
      .toEqual([{ name: 'draw64-replica-1', state: 'ready' }])
  })

  it('draws through the slides, and /metrics counts the pixels', async () => {
    const before = pixelsDrawn(await (await fetch(`${dev.slidesUrl}${endpoints.metrics}`)).text())
    const created = await fetch(`${dev.slidesUrl}${endpoints.images}`, { method: 'POST' })
    expect(created.status).toBe(201)
    const { image } = await json(created)
    const draw = await fetch(`${dev.slidesUrl}${endpoints.images}/${image.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command: { command_type: 'draw', values: [[1, 2, 255, 0, 0], [3, 4, 0, 0, 255]] } }),
    })
    expect(draw.status).toBe(200)
    await expect
      .poll(async () => pixelsDrawn(await (await fetch(`${dev.slidesUrl}${endpoints.metrics}`)).text()), { timeout: 5000 })
      .toBe(before + 2)
  })

  it('renders a live slide with the draw in it', async () => {
    const { page, errors } = await watchedPage(browser)
    await openSlide(page, `${dev.slidesUrl}/live-traces`)
    const traces = page.locator('[data-live-component="LiveTraces"][data-state="live"]:visible')
    await traces.waitFor({ timeout: 30_000 })
    await traces.locator('[data-trace-id]', { hasText: 'PUT /api/images/:id' }).first().waitFor({ timeout: 10_000 })
    expect(errors).toEqual([])
  })
})
