// What the talk leaves behind: the PDF of `npm run export`, with real telemetry of that run in
// it, and the static site of `npm run build`, which shows the recording when no demo is there.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load } from '@slidev/parser/fs'
import { describe, expect, it } from 'vitest'
import { freePort } from '../../demo/free-port.ts'
import { browserAvailable, launchBrowser, watchedPage } from '../support/browser.ts'
import { serveStatic } from '../support/static-server.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const popplerAvailable = existsSync('/usr/bin/pdftotext') || process.env.CI === 'true'
if (!popplerAvailable) console.warn('Skipping the PDF checks: pdftotext and pdfinfo (poppler-utils) are not installed')

const CHAPTER_TITLES = ['Draw64, le fil rouge', 'OpenTelemetry', 'Instrumenter Draw64', 'En direct', 'En production', 'Conclusion']

function tsx(script: string, env: Record<string, string>): string {
  return execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' })
}

describe.runIf(browserAvailable && popplerAvailable)('npm run export', () => {
  it('writes one PDF page per slide, with the chapters and the spans of its own run', { timeout: 240_000 }, async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'deck-pdf-')), 'talk.pdf')
    // Nothing listens on these ports: the export starts its own Draw64.
    const log = tsx('scripts/export.ts', {
      EXPORT_OUTPUT: output,
      DRAW64_PORT: String(await freePort()),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    })
    expect(log).toContain(`PDF written to ${output}`)

    const { slides } = await load({ userRoot: ROOT, roots: [ROOT] }, join(ROOT, 'slides.md'))
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [output], { encoding: 'utf8' }))?.[1])
    expect(pages).toBe(slides.length)

    const text = execFileSync('pdftotext', [output, '-'], { encoding: 'utf8' })
    for (const title of CHAPTER_TITLES) expect(text).toContain(title)
    expect(text).toContain('PUT /api/images/:id')
    expect(text).toContain('apply command')
    expect(text).toMatch(/draw applied to talk/)
    // Every live slide printed this run's telemetry: none fell back to the recording's badge.
    expect(text).not.toContain('enregistré')
    // The incident slide ("le pixel de trois secondes") prints a trace of the run with the sentence of its critical path.
    const incident = text.split('\f').find((page) => page.includes('pixel de trois secondes') && page.includes('PUT /api/images/:id'))
    expect(incident).toMatch(/\d+\s%\sdu temps\s: \S/)
  })
})

describe.runIf(browserAvailable)('npm run build', () => {
  it('gives a static site that shows the recorded telemetry, badged, with no demo behind it', { timeout: 240_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'deck-build-'))
    execFileSync(process.execPath, ['node_modules/@slidev/cli/bin/slidev.mjs', 'build', '--out', out], { cwd: ROOT, stdio: 'pipe' })
    const site = await serveStatic(out)
    const browser = await launchBrowser()
    try {
      const { page, errors } = await watchedPage(browser)
      await page.goto(`${site.url}/live-traces`)
      const traces = page.locator('[data-live-component="LiveTraces"]:visible')
      await expect.poll(() => traces.getAttribute('data-state'), { timeout: 30_000 }).toBe('recorded')
      await expect.poll(() => traces.locator('[data-span-id]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(5)
      await expect.poll(() => page.locator('[data-live-component="DemoStatus"]:visible').textContent()).toContain('enregistré')
      await page.screenshot({ path: 'screenshots/static-build.png' })
      // The only failures allowed are the polls of a demo that is not there.
      expect(errors.filter((error) => !/404|Failed to load resource/.test(error))).toEqual([])
    } finally {
      await browser.close()
      site.close()
    }
  })
})
