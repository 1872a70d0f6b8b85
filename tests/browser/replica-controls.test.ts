// "La HA, en vrai" as the speaker plays it: Draw64 in HA mode behind `npm run dev`, a real
// Chromium; a click on « Tuer » kills a replica while draws go on, and the service map draws
// the balancer's refused calls to it as a red edge; « Relancer » brings it back; « Auto »
// switches the autoscaler; « Déployer v2 » shows replicas of both versions on the map. On « Healthchecks ≠ monitoring », « Casser la
// réplique » makes one fail half its draws: its healthcheck stays green, its own error line climbs.
import type { Browser, Page } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { freePort } from '../../demo/free-port.ts'
import { drawAlong, json } from '../support/http.ts'
import { browserAvailable, launchBrowser, openSlide, watchedPage } from '../support/browser.ts'

async function replicaState(baseUrl: string, name: string): Promise<string | undefined> {
  const { replicas } = (await json(await fetch(`${baseUrl}/api/demo/replicas`))) as { replicas: { name: string; state: string }[] }
  return replicas.find((replica) => replica.name === name)?.state
}

let draw64: Draw64Process
let dev: DevProcess
let browser: Browser
let page: Page

describe.runIf(browserAvailable)('ReplicaControls on « La HA, en vrai »', { timeout: 150_000 }, () => {
  beforeAll(async () => {
    draw64 = await startDraw64({ port: await freePort(), metricsPort: await freePort(), args: ['--replicas', '2'] })
    dev = await startDev({
      DRAW64_PORT: new URL(draw64.baseUrl).port,
      OTEL_EXPORTER_PROMETHEUS_PORT: new URL(draw64.metricsUrl).port,
      DRAW64_DATA_DIR: draw64.dataDir,
    })
    browser = await launchBrowser()
    page = (await watchedPage(browser)).page
    await fetch(`${draw64.baseUrl}/api/images/ha`, { method: 'POST' })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await dev?.stop()
    await draw64?.stop()
  })

  it('kills a replica with a click: draws keep succeeding and its edge turns red', async () => {
    await openSlide(page, `${dev.slidesUrl}/service-map`)
    const panel = page.locator('[data-live-component="ReplicaControls"][data-state="live"]:visible')
    await panel.waitFor({ timeout: 30_000 })
    await expect.poll(() => panel.locator('[data-replica-state="ready"]').count(), { timeout: 10_000 }).toBe(2)

    const { statuses, stop: stopDrawing } = drawAlong(draw64.baseUrl, 'ha', 5, [200, 0, 0])
    try {
      const edge = page.locator('[data-live-component="ServiceMap"] [data-edge="draw64-lb→draw64-replica-1"]')
      await edge.waitFor({ timeout: 15_000 })
      expect(Number(await edge.getAttribute('data-error-share'))).toBe(0)

      const kill = panel.locator('[data-kill="draw64-replica-1"]')
      await expect.poll(() => kill.isEnabled(), { timeout: 10_000 }).toBe(true)
      await kill.click()
      // The demo's own answer first, then the panel's: a failure then says which of the two lags.
      // Generous: on a fresh clone Vite is still compiling the deck's other slides (Slidev
      // preloads them all), and the slides' proxy to the demo shares its one thread.
      await expect.poll(async () => replicaState(draw64.baseUrl, 'draw64-replica-1'), { timeout: 30_000 }).toBe('crashed')
      const drawnBeforeKill = statuses.length
      await page.locator('[data-live-component="ReplicaControls"]:visible [data-replica="draw64-replica-1"][data-replica-state="crashed"]').waitFor({ timeout: 30_000 })
      await expect.poll(async () => Number(await edge.getAttribute('data-error-share')), { timeout: 30_000 }).toBeGreaterThan(0)
      await page.screenshot({ path: 'screenshots/replica-killed.png' })
      // Twenty more draws after the kill: the balancer sends them all to the replica left.
      await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThan(drawnBeforeKill + 20)
    } finally {
      await stopDrawing()
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([])

    await panel.locator('[data-restart="draw64-replica-1"]').click()
    await panel.locator('[data-replica="draw64-replica-1"][data-replica-state="ready"]').waitFor({ timeout: 30_000 })
    expect((await json(await fetch(`${draw64.baseUrl}/api/demo/replicas`))).replicas.map((replica: { state: string }) => replica.state)).toEqual(['ready', 'ready'])
  })

  it('switches the autoscaler on and off', async () => {
    const panel = page.locator('[data-live-component="ReplicaControls"][data-state="live"]:visible')
    const toggle = panel.locator('[data-autoscaler]')
    await expect.poll(() => toggle.getAttribute('aria-pressed'), { timeout: 5000 }).toBe('false')
    await toggle.click()
    await expect.poll(() => toggle.getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true')
    expect((await json(await fetch(`${draw64.baseUrl}/api/demo/autoscaler`))).enabled).toBe(true)
    await toggle.click()
    await expect.poll(async () => (await json(await fetch(`${draw64.baseUrl}/api/demo/autoscaler`))).enabled, { timeout: 5000 }).toBe(false)
  })

  it('rolls out v2 with a click: the map labels each version while both serve, and no draw fails', async () => {
    const panel = page.locator('[data-live-component="ReplicaControls"][data-state="live"]:visible')
    const replicaVersions = async () => {
      const nodes = page.locator('[data-live-component="ServiceMap"] [data-node^="draw64-replica-"][data-health="ok"]')
      return new Set(await nodes.evaluateAll((all) => all.map((node) => node.getAttribute('data-versions'))))
    }
    const { statuses, stop: stopDrawing } = drawAlong(draw64.baseUrl, 'ha', 7, [0, 200, 0])
    try {
      await expect.poll(replicaVersions, { timeout: 15_000 }).toEqual(new Set(['1']))
      await panel.locator('[data-rollout]').click()
      // The first new replica takes traffic beside the old ones: both versions on the map.
      await expect.poll(replicaVersions, { timeout: 60_000, interval: 250 }).toEqual(new Set(['1', '2']))
      await page.screenshot({ path: 'screenshots/replica-rollout.png' })
      await expect.poll(async () => (await json(await fetch(`${draw64.baseUrl}/api/demo/replicas`))).rollingOut, { timeout: 60_000 }).toBe(null)
      expect((await json(await fetch(`${draw64.baseUrl}/api/demo/replicas`))).replicas.map((replica: { version: string }) => replica.version)).toEqual(['2', '2'])
    } finally {
      await stopDrawing()
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([])
  })

  it('on « Livrer sans couper », a rollout moves the requests from one version’s line to the next, with no error', async () => {
    await openSlide(page, `${dev.slidesUrl}/rollout`)
    const panel = page.locator('[data-live-component="ReplicaControls"][data-state="live"]:visible')
    await panel.waitFor({ timeout: 30_000 })
    const chart = (metric: string) => page.locator(`[data-live-component="LiveMetrics"]:visible [data-metric="${metric}"][data-split="version"]`)
    // The legend's latest value of a version's line: « v3 19 req/s », « v2 — » once it serves nothing.
    const latest = async (metric: string, version: string) => {
      const text = (await chart(metric).locator(`[data-series="v${version}"]`).textContent({ timeout: 1000 }).catch(() => null)) ?? ''
      const number = /(\d[\d,]*)\s*(req\/s|%)/.exec(text)?.[1]
      return number === undefined ? Number.NaN : Number.parseFloat(number.replace(',', '.'))
    }
    const { statuses, stop: stopDrawing } = drawAlong(draw64.baseUrl, 'ha', 8, [200, 200, 0])
    try {
      // The previous test left v2 serving: the button offers v3.
      await expect.poll(() => latest('requestRate', '2'), { timeout: 15_000 }).toBeGreaterThan(0)
      expect((await panel.locator('[data-rollout]').textContent())?.trim()).toBe('Déployer v3')
      await panel.locator('[data-rollout]').click()
      await expect.poll(() => latest('requestRate', '3'), { timeout: 60_000, interval: 250 }).toBeGreaterThan(0)
      await expect.poll(async () => (await json(await fetch(`${draw64.baseUrl}/api/demo/replicas`))).rollingOut, { timeout: 60_000 }).toBe(null)
      // v2's line falls to nothing once its last replica stopped (no spike when it leaves), v3's carries the draws.
      await expect.poll(() => latest('requestRate', '2'), { timeout: 15_000 }).toBe(0)
      expect(await latest('requestRate', '3')).toBeGreaterThan(5)
      expect(await latest('errorRate', '3')).toBe(0)
      expect(await page.locator('[data-autoscaler-decision]:visible').textContent()).toContain('Auto éteint')
      await page.screenshot({ path: 'screenshots/rollout.png' })
    } finally {
      await stopDrawing()
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([])
  })

  it('shows a replica failing half its draws while its healthcheck stays green', async () => {
    await openSlide(page, `${dev.slidesUrl}/health-vs-monitoring?clicks=1`)
    const health = page.locator('[data-live-component="ReplicaHealth"][data-state="live"]:visible')
    await health.waitFor({ timeout: 30_000 })
    // The replicas the rollout left (new names): the button breaks the last one, not the first.
    const names: string[] = (await json(await fetch(`${draw64.baseUrl}/api/demo/replicas`))).replicas.map((replica: { name: string }) => replica.name)
    expect(names).toHaveLength(2)
    const [healthy, broken] = names as [string, string]
    const second = health.locator(`[data-replica="${broken}"]`)
    await expect.poll(() => second.getAttribute('data-replica-state'), { timeout: 10_000 }).toBe('ready')
    await health.locator('[data-break-replica]').click()
    await expect.poll(() => second.getAttribute('data-failing'), { timeout: 10_000 }).toBe('50')
    expect((await json(await fetch(`${draw64.baseUrl}/api/demo/faults`))).byReplica[healthy].drawErrors.enabled).toBe(false)

    const errors = page.locator('[data-live-component="LiveMetrics"]:visible [data-metric="errorRate"][data-split="replica"]')
    const errorShare = async (series: string) => Number.parseFloat((await errors.locator(`[data-series="${series}"]`).textContent())!.replace(/^.*?(\d[\d,]*)\s*%.*$/s, '$1').replace(',', '.'))
    const { statuses, stop: stopDrawing } = drawAlong(draw64.baseUrl, 'ha', 6, [0, 0, 200], 25)
    try {
      const line = (name: string) => name.replace('draw64-replica-', 'réplique ')
      await expect.poll(() => errorShare(line(broken)), { timeout: 30_000 }).toBeGreaterThan(20)
      // Its window covers three scrapes: the healthy replica's line settles at 0 (— until it has a point).
      await expect.poll(() => errorShare(line(healthy)), { timeout: 10_000 }).toBe(0)
      // The balancer still reports it healthy and routes to it.
      expect(await second.getAttribute('data-replica-state')).toBe('ready')
      await page.screenshot({ path: 'screenshots/health-vs-monitoring.png' })
    } finally {
      await stopDrawing()
    }
    expect(statuses.filter((status) => status === 500).length).toBeGreaterThan(0)

    await health.locator('[data-break-replica]').click()
    await expect.poll(() => second.getAttribute('data-failing'), { timeout: 10_000 }).toBe(null)
  })
})
