// Finds a Chromium for the browser tests and the PDF export: Playwright's own when it was
// installed (`npx playwright install chromium`), else a system Chrome or Chromium.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-chromium'

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
]

/** Quiet, headless, and allowed to run as root in a container. */
export const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export function findBrowser(): string | undefined {
  const candidates = [process.env.CHROME_PATH, chromium.executablePath(), ...SYSTEM_BROWSERS]
  return candidates.find((path): path is string => Boolean(path) && existsSync(path!))
}

export const MISSING_BROWSER_HELP =
  'No Chromium found. Install one: `npx playwright install chromium`, or `apt-get install chromium` on Debian/Ubuntu, or set CHROME_PATH.'

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findBrowser()
  if (!executablePath) throw new Error(MISSING_BROWSER_HELP)
  return chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS })
}
