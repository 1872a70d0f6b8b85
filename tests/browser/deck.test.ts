// The whole deck in a real Chromium: every slide fits its canvas, no text is too small to read
// from the back of the room, nothing is fetched from another host (a talk runs on conference
// wifi), no slide throws.
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { freePort } from '../../demo/free-port.ts'
import { browserAvailable, launchBrowser, openSlide, watchedPage, type WatchedPage } from '../support/browser.ts'

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
// Long enough for the fade between slides and for mermaid and charts to lay out.
const SETTLE_MS = 600
const SCREENSHOTS = 'screenshots/deck'
// On Slidev's 980×552 canvas: 12 px there is about 16 px on a 1280×720 screen.
const MIN_FONT_PX = 12

interface SlideReport {
  no: number
  title: string
  overflowX: number
  overflowY: number
  remoteImages: string[]
  smallText: string[]
}

let dev: DevProcess
let browser: Browser
let watched: WatchedPage
const remoteRequests: string[] = []
const slides: SlideReport[] = []

describe.runIf(browserAvailable)('the deck', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    dev = await startDev({
      DRAW64_PORT: String(await freePort()),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      DRAW64_DATA_DIR: mkdtempSync(join(tmpdir(), 'draw64-deck-')),
    })
    mkdirSync(SCREENSHOTS, { recursive: true })
    browser = await launchBrowser()
    watched = await watchedPage(browser)
    watched.page.on('request', (request) => {
      const url = new URL(request.url())
      if (/^(https?|wss?):$/.test(url.protocol) && !LOCAL_HOSTS.has(url.hostname)) remoteRequests.push(request.url())
    })
    // Every slide, every click revealed, through Slidev's own navigation (no reload between slides).
    const { page } = watched
    await openSlide(page, `${dev.slidesUrl}/1`)
    await page.waitForFunction(() => (window as any).__slidev__?.nav, null, { timeout: 60_000 })
    const total: number = await page.evaluate(() => (window as any).__slidev__.nav.total)
    for (let no = 1; no <= total; no++) {
      await page.evaluate((target) => (window as any).__slidev__.nav.go(target, 999), no)
      await page.waitForSelector(`.slidev-page-${no} .slidev-layout`, { state: 'attached' })
      // Mermaid draws asynchronously, into a shadow root: measure once every diagram is there.
      await page.waitForFunction(
        (target) => [...document.querySelectorAll(`.slidev-page-${target} .mermaid`)].every((diagram) => diagram.shadowRoot?.querySelector('svg')),
        no,
        { timeout: 15_000 },
      )
      await page.waitForTimeout(SETTLE_MS)
      await page.screenshot({ path: `${SCREENSHOTS}/${String(no).padStart(2, '0')}.png` })
      slides.push(
        await page.evaluate(({ target, minPx }): SlideReport => {
          const layout = document.querySelector<HTMLElement>(`.slidev-page-${target} .slidev-layout`)!
          // Every text node, shadow roots (mermaid) included: its computed size times the
          // element's own scale (transforms, SVG viewBoxes), in canvas pixels. Text drawn on a
          // <canvas> (the charts' axes) is not in the DOM and not measured.
          const slideScale = layout.getBoundingClientRect().width / layout.offsetWidth
          const smallText: string[] = []
          const visit = (root: Node) => {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const element = node.parentElement
              const text = node.textContent?.trim()
              if (!element || !text) continue
              const style = getComputedStyle(element)
              const box = element.getBoundingClientRect()
              if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue
              let scale: number
              if (element instanceof SVGGraphicsElement) {
                const matrix = element.getScreenCTM()
                scale = matrix ? Math.hypot(matrix.a, matrix.b) : slideScale
              } else {
                // A wide ancestor gives the transforms without offsetWidth's rounding.
                let probe: HTMLElement = element
                while (probe.offsetWidth < 200 && probe.parentElement) probe = probe.parentElement
                scale = probe.offsetWidth ? probe.getBoundingClientRect().width / probe.offsetWidth : slideScale
              }
              const px = (parseFloat(style.fontSize) * scale) / slideScale
              if (px < minPx - 0.05) smallText.push(`${px.toFixed(1)} px « ${text.slice(0, 40)} »`)
            }
            for (const element of (root as Element | ShadowRoot).querySelectorAll?.('*') ?? []) if (element.shadowRoot) visit(element.shadowRoot)
          }
          visit(layout)
          return {
            no: target,
            title: layout.querySelector('h1')?.textContent?.trim() ?? '',
            overflowX: layout.scrollWidth - layout.clientWidth,
            overflowY: layout.scrollHeight - layout.clientHeight,
            remoteImages: [...layout.querySelectorAll('img')]
              .map((image) => image.getAttribute('src') ?? '')
              .filter((src) => /^(https?:)?\/\//.test(src)),
            smallText,
          }
        }, { target: no, minPx: MIN_FONT_PX }),
      )
    }
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
  })

  it('lays out every slide of the deck', () => {
    expect(slides.length).toBeGreaterThanOrEqual(40)
  })

  it('fits every slide in its canvas', () => {
    const overflowing = slides.filter((slide) => slide.overflowX > 2 || slide.overflowY > 2)
    expect(overflowing.map((slide) => `${slide.no} ${slide.title}: +${slide.overflowX}×+${slide.overflowY} px`)).toEqual([])
  })

  it(`sets no text under ${MIN_FONT_PX} px of the canvas, every click revealed`, () => {
    const small = slides.filter((slide) => slide.smallText.length).map((slide) => `${slide.no} ${slide.title}: ${[...new Set(slide.smallText)].slice(0, 5).join(', ')}`)
    expect(small).toEqual([])
  })

  it('shows no image from another host and fetches nothing from one', () => {
    expect(slides.flatMap((slide) => slide.remoteImages)).toEqual([])
    expect(remoteRequests).toEqual([])
  })

  it('renders every slide without an exception or a console error', () => {
    expect(watched.errors).toEqual([])
  })
})

