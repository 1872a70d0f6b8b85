// npm run bench:long-tasks — browser long tasks (> 50 ms) on a live slide while Draw64 takes
// 200 req/s (goal: 0). `npm run dev` on free ports; for each slide (ALL_SLIDES below, or
// BENCH_SLIDES): a fresh Chromium page, wait until its components are live,
// start the load through POST /api/demo/load, observe `longtask` entries for 30 s
// (BENCH_SECONDS), stop the load. Before the load, it waits until the whole deck is mounted and
// the page has then been free of long tasks for BENCH_SETTLE_SECONDS (3; 0 to skip): Slidev
// mounts every other slide 3 s after the first, and their mermaid diagrams are drawn seconds
// after the live slide is up, which is page load, not the live slide (a first page, before the
// measures, warms the dev server up, which compiles the deck's slides on first request).
// Prints the count and durations per slide and the rate the load achieved. With long tasks, it
// prints their attribution and the top self-time functions of a CPU profile taken over the same
// window (saved to .scratch/, open it in Chrome DevTools); BENCH_PROFILE=0 measures without the
// profiler. BENCH_TRACE=1 also records a Chrome trace over the window and prints, for each
// main-thread task over 50 ms, the CPU time the thread really had: on a machine shared with the
// load, a task can last 100 ms of wall time while the thread ran for 5 (waiting for a core).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-chromium'
import { startDev } from '../scripts/dev-process.ts'
import { launchBrowser } from '../scripts/find-browser.ts'
import { freePort } from '../demo/free-port.ts'
import { loadStatusSchema } from '../lib/wire.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30)
const RATE = Number(process.env.BENCH_RATE ?? 200)
const PROFILE = process.env.BENCH_PROFILE !== '0'
const TRACE = process.env.BENCH_TRACE === '1'
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 3)
const SETTLE_MAX_SECONDS = 60
// The first three since 2026-11; the live views of chapters 5 and 6 added since. OverheadMeter
// runs a bounded load of its own, which the demo's load lock keeps apart from this one.
const ALL_SLIDES: Record<string, string[]> = {
  'live-traces': ['LiveTraces'],
  'live-metrics': ['LiveMetrics'],
  'draw64-board': ['Draw64Canvas', 'LiveTraces'],
  incident: ['LiveMetrics', 'LiveTraces'],
  'service-map': ['ServiceMap'],
  sampling: ['SamplingControl'],
  cardinality: ['CardinalityMeter'],
  temporality: ['Temporality'],
  rollout: ['LiveMetrics', 'ReplicaControls'],
}
// BENCH_SLIDES=live-traces,rollout measures only those.
const SLIDES = process.env.BENCH_SLIDES
  ? Object.fromEntries(process.env.BENCH_SLIDES.split(',').map((slide) => {
      const components = ALL_SLIDES[slide]
      if (!components) throw new Error(`BENCH_SLIDES: no slide ${slide}, only ${Object.keys(ALL_SLIDES).join(', ')}`)
      return [slide, components]
    }))
  : ALL_SLIDES
const SCRATCH = join(import.meta.dirname, '..', '.scratch')

// In-page code as strings: tsx would otherwise wrap inner functions in a helper that does
// not exist in the page.
const OBSERVE = `(() => {
  window.__longTasks = []
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__longTasks.push({
        start: Math.round(entry.startTime),
        duration: Math.round(entry.duration),
        attribution: (entry.attribution || []).map((a) => [a.name, a.containerType, a.containerSrc, a.containerName].filter(Boolean).join(' ')).join('; '),
      })
    }
  }).observe({ type: 'longtask', buffered: false })
})()`
const COLLECT = `window.__longTasks`
// End of the latest long task so far (or now), for waiting until the page settles.
const WATCH_QUIET = `(() => {
  window.__lastLongTaskEnd = performance.now()
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__lastLongTaskEnd = Math.max(window.__lastLongTaskEnd, entry.startTime + entry.duration)
  }).observe({ type: 'longtask', buffered: false })
})()`
const QUIET_MS = `performance.now() - window.__lastLongTaskEnd`
// Mounted, and every mermaid diagram drawn: a diagram waits for its modules from Vite, which
// come slowly once the load runs, then lays out in long tasks seconds after the rest is quiet.
// It is drawn once per page load; a speaker's deck has drawn its diagrams long before the
// first live slide.
const DECK_MOUNTED = `document.querySelectorAll('.slidev-page').length >= (window.__slidev__?.nav?.total ?? Infinity) &&
  [...document.querySelectorAll('.mermaid')].every((diagram) => diagram.shadowRoot?.querySelector('svg'))`

interface LongTask { start: number; duration: number; attribution: string }
interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Self time per function (ms), summed over the samples, highest first. */
function topSelfTime(profile: Profile, count = 12): [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<string, number>()
  profile.samples.forEach((id, index) => {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame
    const file = url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '')
    const key = url ? `${functionName || '(anonymous)'}  ${file}:${lineNumber + 1}:${columnNumber + 1}` : functionName
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000)
  })
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, count)
}

interface TraceEvent { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }

/** The page's main-thread tasks in a Chrome trace, longest first: wall time, and CPU time of the thread. */
function mainThreadTasks(events: TraceEvent[]): { wallMs: number; cpuMs: number }[] {
  const thread = (event: TraceEvent) => `${event.pid}:${event.tid}`
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(thread))
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && mainThreads.has(thread(e)))
  // Several renderers (the page, workers of the deck…): the page's is the busiest.
  const busy = new Map<string, number>()
  for (const task of tasks) busy.set(thread(task), (busy.get(thread(task)) ?? 0) + (task.tdur ?? 0))
  const page = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0]
  return tasks
    .filter((task) => thread(task) === page)
    .map((task) => ({ wallMs: (task.dur ?? 0) / 1000, cpuMs: (task.tdur ?? 0) / 1000 }))
    .sort((a, b) => b.wallMs - a.wallMs)
}

const draw64Port = await freePort()
const draw64 = `http://127.0.0.1:${draw64Port}`
const dev = await startDev({
  DRAW64_PORT: String(draw64Port),
  OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
  DRAW64_DATA_DIR: `/tmp/draw64-bench-longtasks-${process.pid}`,
})
const browser = await launchBrowser()

/** Opens the slide and waits until its live components are live and the page is done loading. */
async function openSettled(slide: string, components: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  await page.goto(`${dev.slidesUrl}/${slide}`)
  await page.evaluate(WATCH_QUIET)
  for (const name of components) await page.waitForSelector(`[data-live-component="${name}"][data-state="live"]:visible`, { timeout: 60_000 })
  await page.waitForTimeout(2000) // let the first render settle before measuring
  const settleStart = Date.now()
  const settled = async () => ((await page.evaluate(DECK_MOUNTED)) as boolean) && ((await page.evaluate(QUIET_MS)) as number) >= SETTLE_SECONDS * 1000
  while (SETTLE_SECONDS > 0 && Date.now() - settleStart < SETTLE_MAX_SECONDS * 1000 && !(await settled())) await page.waitForTimeout(250)
  if (SETTLE_SECONDS > 0) console.log(`/${slide}: deck mounted, its diagrams drawn, and page settled (${SETTLE_SECONDS} s without a long task) after ${((Date.now() - settleStart) / 1000).toFixed(1)} more seconds`)
  return page
}

const results: { slide: string; tasks: LongTask[]; rate: number }[] = []
try {
  if (SETTLE_SECONDS > 0) {
    const [slide, components] = Object.entries(SLIDES)[0]!
    console.log('warming the dev server up:')
    await (await openSettled(slide, components)).close()
  }
  for (const [slide, components] of Object.entries(SLIDES)) {
    const page = await openSettled(slide, components)
    const started = await fetch(`${draw64}/api/demo/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate: RATE, durationSeconds: SECONDS + 10 }),
    })
    if (!started.ok) throw new Error(`POST /api/demo/load: ${started.status} ${await started.text()}`)
    await page.waitForTimeout(2000) // the load worker ramps up
    const cdp = PROFILE ? await page.context().newCDPSession(page) : undefined
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 })
      await cdp.send('Profiler.start')
    }
    if (TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] })
    await page.evaluate(OBSERVE)
    const rates: number[] = []
    for (let second = 0; second < SECONDS; second++) {
      await page.waitForTimeout(1000)
      const status = loadStatusSchema.parse(await (await fetch(`${draw64}/api/demo/load`)).json())
      rates.push(status.rateAchieved)
    }
    const tasks = (await page.evaluate(COLLECT)) as LongTask[]
    const traced = TRACE ? mainThreadTasks(JSON.parse((await browser.stopTracing()).toString()).traceEvents) : undefined
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile }
      if (tasks.length) {
        mkdirSync(SCRATCH, { recursive: true })
        const file = join(SCRATCH, `long-tasks-${slide}.cpuprofile`)
        writeFileSync(file, JSON.stringify(profile))
        console.log(`\n/${slide}: CPU profile over the window → ${file}; top self time (ms):`)
        for (const [fn, time] of topSelfTime(profile)) console.log(`  ${time.toFixed(0).padStart(6)}  ${fn}`)
      }
      await cdp.detach()
    }
    await fetch(`${draw64}/api/demo/load`, { method: 'DELETE' })
    const rate = rates.reduce((sum, value) => sum + value, 0) / rates.length
    results.push({ slide, tasks, rate })
    console.log(`\n/${slide}: ${tasks.length} long tasks in ${SECONDS} s at ${RATE} req/s asked, ${rate.toFixed(0)} req/s achieved (mean of 1 s samples)`)
    if (tasks.length) {
      console.log(`  durations (ms): ${tasks.map((task) => task.duration).join(', ')}`)
      const attributions = new Map<string, number>()
      for (const task of tasks) attributions.set(task.attribution || '(none)', (attributions.get(task.attribution || '(none)') ?? 0) + 1)
      for (const [attribution, count] of attributions) console.log(`  attribution ×${count}: ${attribution}`)
    }
    if (traced) {
      const long = traced.filter((task) => task.wallMs > 50)
      const shown = (long.length ? long : traced.slice(0, 1)).map((task) => `${task.wallMs.toFixed(0)}/${task.cpuMs.toFixed(0)}`).join(', ')
      const cpuMs = traced.reduce((sum, task) => sum + task.cpuMs, 0)
      console.log(`  trace: main thread busy ${(cpuMs / SECONDS).toFixed(0)} ms of CPU per second; ${long.length} tasks > 50 ms, ` +
        `${long.filter((task) => task.cpuMs > 50).length} of them with > 50 ms of CPU (wall/CPU ms: ${shown}${long.length ? '' : ', the longest'})`)
    }
    await page.close()
    await new Promise((resolve) => setTimeout(resolve, 3000)) // let the server drain
  }
} finally {
  await fetch(`${draw64}/api/demo/load`, { method: 'DELETE' }).catch(() => {})
  await browser.close()
  await dev.stop()
}

console.log(`\nlong tasks (> 50 ms) during ${SECONDS} s at ${RATE} req/s (goal 0)${PROFILE ? ', CPU profiler on' : ''}:`)
for (const { slide, tasks, rate } of results) {
  const durations = tasks.map((task) => task.duration)
  const summary = tasks.length ? `max ${Math.max(...durations)} ms, total ${durations.reduce((a, b) => a + b, 0)} ms` : ''
  console.log(`  /${slide.padEnd(14)} ${String(tasks.length).padStart(3)}  ${summary}   (load ${rate.toFixed(0)} req/s)`)
}
