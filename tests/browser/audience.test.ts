// The audience in the trace: `npm run dev -- --lan` on free ports, a real Chromium. A stroke on
// the slide's board is one trace from the browser to SQLite; the join slide's QR code reads as
// the URL the dev command printed; two visitors of the Draw64 page see each other draw; the
// page works at phone size.
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jsQR from 'jsqr'
import type { Browser, Page } from 'playwright-chromium'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'
import { freePort } from '../../demo/free-port.ts'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { json, pixelsOf } from '../support/http.ts'
import { browserAvailable, launchBrowser, openSlide, watchedPage, type WatchedPage } from '../support/browser.ts'

const SCREENSHOTS = 'screenshots'
const SPAN_KIND = { internal: 0, server: 1, client: 2 }

let dev: DevProcess
let draw64Url: string
let browser: Browser
let watched: WatchedPage
let page: Page

async function allSpans(): Promise<TelemetrySpanJson[]> {
  return (await json(await fetch(`${draw64Url}/api/telemetry/spans`))).spans
}

/** Drags across the middle of a canvas, from 20 % to 80 % of its width at height `yFraction`. */
async function strokeAcross(target: Page, canvasSelector: string, yFraction = 0.5): Promise<void> {
  const box = (await target.locator(canvasSelector).boundingBox())!
  await target.mouse.move(box.x + box.width * 0.2, box.y + box.height * yFraction)
  await target.mouse.down()
  await target.mouse.move(box.x + box.width * 0.8, box.y + box.height * yFraction, { steps: 12 })
  await target.mouse.up()
}

/** The RGB of one board cell as the page shows it (its canvas is 64×64, one pixel per cell). */
function cellOnPage(target: Page, x: number, y: number): Promise<number[]> {
  return target.evaluate(`[...document.getElementById('board').getContext('2d').getImageData(${x}, ${y}, 1, 1).data.slice(0, 3)]`)
}

describe.runIf(browserAvailable)('the audience', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    const port = await freePort()
    const metricsPort = await freePort()
    dev = await startDev({ DRAW64_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort), DRAW64_DATA_DIR: mkdtempSync(join(tmpdir(), 'draw64-audience-')) }, ['--lan'])
    draw64Url = `http://127.0.0.1:${port}`
    browser = await launchBrowser()
    watched = await watchedPage(browser)
    page = watched.page
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
  })

  it('traces a stroke on the slide from the browser: stroke → fetch PUT → server span → SQLite, one trace', async () => {
    await openSlide(page, `${dev.slidesUrl}/draw64-board`)
    const board = page.locator('[data-live-component="Draw64Canvas"][data-state="live"]:visible')
    await board.waitFor({ timeout: 30_000 })
    const before = new Set((await allSpans()).map((span) => span.spanId))
    await strokeAcross(page, '[data-live-component="Draw64Canvas"]:visible canvas')

    // The browser exports its spans in batches: wait for the stroke to arrive.
    let strokeSpan: TelemetrySpanJson | undefined
    await expect
      .poll(async () => (strokeSpan = (await allSpans()).find((span) => span.name === 'stroke' && !before.has(span.spanId))), { timeout: 10_000 })
      .toBeTruthy()
    expect(strokeSpan).toMatchObject({ serviceName: 'draw64-web', kind: SPAN_KIND.internal, parentSpanId: '' })

    // The fetch spans end once the browser has the request's resource timing, which can be after
    // the stroke itself ends: they may come in a later batch.
    let trace: TelemetrySpanJson[] = []
    let fetches: TelemetrySpanJson[] = []
    await expect
      .poll(async () => {
        trace = (await allSpans()).filter((span) => span.traceId === strokeSpan!.traceId)
        fetches = trace.filter((span) => span.serviceName === 'draw64-web' && span.kind === SPAN_KIND.client)
        return fetches.length
      }, { timeout: 5000 })
      .toBeGreaterThan(0)
    for (const fetchSpan of fetches) {
      expect(fetchSpan.parentSpanId).toBe(strokeSpan!.spanId)
      expect(fetchSpan.attributes['http.request.method']).toBe('PUT')
      const server = trace.find((span) => span.parentSpanId === fetchSpan.spanId)!
      // `npm run dev` runs the balancer in front of one replica: the request enters at draw64-lb.
      expect(server).toMatchObject({ serviceName: 'draw64-lb', kind: SPAN_KIND.server, name: 'PUT /api/images/:id' })
      // The server's work happens within the browser's request: the rest is network.
      expect(BigInt(server.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(fetchSpan.startTimeUnixNano))
      expect(BigInt(server.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(fetchSpan.endTimeUnixNano))
      expect(trace.some((span) => span.name === 'UPDATE images' && span.serviceName === 'draw64-replica-1')).toBe(true)
    }

    // The slide's waterfall draws the browser's spans above the server's.
    const waterfall = page.locator('[data-live-component="LiveTraces"]:visible')
    await expect.poll(() => waterfall.locator(`[data-span-id="${strokeSpan!.spanId}"]`).count(), { timeout: 5000 }).toBe(1)
    await page.screenshot({ path: `${SCREENSHOTS}/rum.png` })
  })

  it('shows a QR code on the join slide that reads as the LAN URL the dev command printed', async () => {
    const printed = dev.output().match(/Draw64\s+\S+\s+\(audience: (\S+)\)/)?.[1]
    await openSlide(page, `${dev.slidesUrl}/join`)
    const join = page.locator('[data-live-component="JoinDraw64"][data-state="live"]:visible')
    await join.waitFor({ timeout: 30_000 })
    if (!printed) {
      // A machine with no LAN interface: the dev command said so, and the slide says how to fix it.
      expect(dev.output()).toContain('no LAN interface')
      await expect.poll(() => join.textContent()).toContain('Mode LAN désactivé')
      return
    }
    const qr = join.locator('svg[data-qr]')
    const png = PNG.sync.read(await qr.screenshot())
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(printed)
    await expect.poll(async () => Number(await join.locator('[data-users]').textContent().then((text) => text?.match(/\d+/)?.[0])), { timeout: 5000 }).toBeGreaterThanOrEqual(1)
    await page.screenshot({ path: `${SCREENSHOTS}/join.png` })
  })

  it('lets two visitors of the Draw64 page draw at once, each seeing the other live', async () => {
    await fetch(`${draw64Url}/api/images/duet`, { method: 'POST' })
    const pages = await Promise.all([0, 1].map(async () => {
      const visitor = await (await browser.newContext({ viewport: { width: 900, height: 800 } })).newPage()
      await visitor.goto(`${draw64Url}/#duet`)
      await visitor.waitForSelector('body[data-drawable="true"][data-connection="live"]')
      return visitor
    }))
    // Each picks its own colour, then both draw at the same time on different rows.
    await pages[0].locator('#swatches button').nth(8).click()
    await pages[1].locator('#swatches button').nth(12).click()
    await Promise.all([strokeAcross(pages[0], '#board', 0.25), strokeAcross(pages[1], '#board', 0.75)])

    await expect.poll(async () => {
      const pixels = await pixelsOf(draw64Url, 'duet')
      const at = (y: number) => [...pixels.subarray((y * 64 + 32) * 3, (y * 64 + 32) * 3 + 3)]
      return [at(16), at(48)].every((rgb) => rgb.join() !== '255,255,255')
    }, { timeout: 5000 }).toBe(true)
    const expected = await Promise.all([cellOnPage(pages[0], 32, 16), cellOnPage(pages[1], 32, 48)])
    // The other visitor's stroke arrived by the event stream and is on each screen.
    await expect.poll(() => cellOnPage(pages[1], 32, 16), { timeout: 5000 }).toEqual(expected[0])
    await expect.poll(() => cellOnPage(pages[0], 32, 48), { timeout: 5000 }).toEqual(expected[1])
    expect(expected[0]).not.toEqual(expected[1])
    await Promise.all(pages.map((visitor) => visitor.context().close()))
  })

  it('works on a phone: touch drawing, a palette within thumb reach, no horizontal scrolling at 375 px', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 })
    const phone = await context.newPage()
    await phone.goto(`${draw64Url}/#duet`)
    await phone.waitForSelector('body[data-drawable="true"]')
    const box = (await phone.locator('#board').boundingBox())!
    const sent = phone.waitForResponse((response) => response.request().method() === 'PUT')
    await phone.touchscreen.tap(box.x + box.width * 0.5, box.y + box.height * 0.1)
    expect((await sent).status()).toBe(200)

    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375)
    const palette = (await phone.locator('#swatches').boundingBox())!
    // Within the screen without scrolling, in its lower half where a thumb reaches.
    expect(palette.y + palette.height).toBeLessThanOrEqual(812)
    expect(palette.y).toBeGreaterThan(812 * 0.4)
    await phone.screenshot({ path: `${SCREENSHOTS}/draw64-phone.png` })
    await context.close()
  })

  it("follows the speaker's slides on an attendee's deck, whose own presenter view moves nothing", async () => {
    // An attendee opens the deck at the speaker's address (not a name Slidev trusts), as the
    // slides' gateway sees a phone: a peer forwarding for a LAN address.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.80' } })
    const room = await context.newPage()
    const roomErrors: string[] = []
    room.on('pageerror', (error) => roomErrors.push(error.message))
    const roomUrl = dev.slidesUrl.replace('localhost', '127.0.0.2')
    const projector = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    try {
      await openSlide(projector, `${dev.slidesUrl}/3`)
      // The attendee takes the presenter view and goes on: the projector stays.
      await openSlide(room, `${roomUrl}/presenter/3`)
      for (let n = 0; n < 4; n++) await room.keyboard.press('ArrowRight')
      await new Promise((resolve) => setTimeout(resolve, 2000))
      expect(new URL(projector.url()).pathname).toBe('/3')

      // The speaker goes on: the attendee's deck follows.
      await room.goto(`${roomUrl}/3`)
      await room.waitForSelector('.slidev-page', { state: 'attached' })
      const speaker = await browser.newPage({ viewport: { width: 1280, height: 720 } })
      await openSlide(speaker, `${dev.slidesUrl}/presenter/3`)
      await speaker.goto(`${dev.slidesUrl}/presenter/5`)
      await expect.poll(() => new URL(room.url()).pathname, { timeout: 15_000 }).toBe('/5')
      await speaker.close()
      expect(roomErrors).toEqual([])
    } finally {
      await projector.close()
      await context.close()
    }
  })

  it('loads the whole deck through the gateway as the room: every slide, nothing refused', async () => {
    // The gateway lets the room have only what a deck asks for (scripts/slides-gateway.ts, a
    // measured list): the print view asks for every slide's modules at once.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.81' } })
    const room = await context.newPage()
    const refused: string[] = []
    let answers = 0
    room.on('response', (response) => {
      // The live slides' polls of Draw64 never stop; the deck's own requests do.
      if (new URL(response.url()).pathname.startsWith('/draw64')) return
      answers += 1
      if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`)
    })
    try {
      await room.goto(`${dev.slidesUrl.replace('localhost', '127.0.0.2')}/print`)
      // Until the requests stop: the print view mounts every slide, some of them late.
      let seen = -1
      while (seen !== answers) {
        seen = answers
        await new Promise((resolve) => setTimeout(resolve, 3000))
      }
      expect(await room.locator('.slidev-page').count()).toBeGreaterThan(40)
      expect(refused).toEqual([])
    } finally {
      await context.close()
    }
  }, 120_000)

  it('raised no uncaught exception and no console error on the slides', () => {
    expect(watched.errors).toEqual([])
  })
})
