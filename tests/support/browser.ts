// Browser tests run in Chromium (Playwright's own, else the system one). Without a browser they
// are skipped on a laptop, with the reason, but fail loudly under CI=true.
import type { Browser, Page } from 'playwright-chromium'
import { findBrowser, launchBrowser, MISSING_BROWSER_HELP } from '../../scripts/find-browser.ts'

export const browserAvailable = findBrowser() !== undefined

if (!browserAvailable) {
  if (process.env.CI === 'true') throw new Error(`CI=true and ${MISSING_BROWSER_HELP}`)
  console.warn(`Skipping browser tests: ${MISSING_BROWSER_HELP}`)
}

export { launchBrowser }

export interface WatchedPage {
  page: Page
  errors: string[]
}

/** A page that records uncaught exceptions and console errors, the signs of a broken slide. */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    // Slidev's twoslash plugin logs this on every start; it is harmless and not ours.
    if (message.type() === 'error' && !message.text().includes('FloatingVue')) errors.push(`console: ${message.text()}`)
  })
  return { page, errors }
}

/**
 * Opens a slide of the dev server. On a fresh install Vite optimises dependencies on the first
 * visit and asks the page to reload: wait for that to settle before testing anything.
 */
export async function openSlide(page: Page, url: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.goto(url)
    try {
      await page.waitForSelector('.slidev-page', { state: 'attached', timeout: 60_000 })
      return
    } catch {
      // reloaded by Vite while loading; try again
    }
  }
  throw new Error(`slide ${url} did not render`)
}
