// Chapter 6's levers with the talk's topology (`--replicas`): the balancer holds the sampling
// levers, its head decision reaches the replica with the trace context, the replica's spans pass
// its tail policy on their way into the slides' buffer, and its readers count the draws it forwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import type { TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'
import { parsePrometheusText } from '../../lib/prometheus-text.ts'
import { countSeries, seriesOf } from '../../lib/series-count.ts'
import { json, randomTraceparent, traceIdOf } from '../support/http.ts'

let balancer: Draw64Process
let base: string

beforeAll(async () => {
  balancer = await startDraw64({ args: ['--replicas', '1'] })
  base = balancer.baseUrl
  await fetch(`${base}/api/images/ha-sampled`, { method: 'POST' })
}, 60_000)
afterAll(() => balancer.stop())

const put = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function draw(traceparent?: string): Promise<number> {
  const response = await fetch(`${base}/api/images/ha-sampled`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(traceparent ? { traceparent } : {}) },
    body: JSON.stringify({ command: { command_type: 'draw', values: [[2, 2, 9, 9, 9]] } }),
  })
  await response.arrayBuffer()
  return response.status
}

async function buffered(): Promise<TelemetrySpanJson[]> {
  return (await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))).spans
}

describe('sampling behind the HA balancer', { timeout: 60_000 }, () => {
  it('keeps every error trace whole, the replica’s spans included, and drops the fast successful ones', async () => {
    expect((await put('/api/demo/sampling', { tail: { enabled: true, latencyMs: 1000, ratio: 0 } })).status).toBe(200)
    expect((await put('/api/demo/faults/drawErrors', { enabled: true, value: 50 })).status).toBe(200)
    const outcomes: { traceId: string; status: number }[] = []
    for (let n = 0; n < 30; n++) {
      const traceparent = randomTraceparent()
      outcomes.push({ traceId: traceIdOf(traceparent), status: await draw(traceparent) })
    }
    await pause(1500)
    const spans = await buffered()
    const errors = outcomes.filter((outcome) => outcome.status === 500)
    expect(errors.length).toBeGreaterThan(3)
    for (const { traceId, status } of outcomes) {
      const services = new Set(spans.filter((span) => span.traceId === traceId).map((span) => span.serviceName))
      expect([traceId, [...services].sort()]).toEqual([traceId, status === 500 ? ['draw64-lb', 'draw64-replica-1'] : []])
    }
    const { sampling, drawErrors } = await json(await fetch(`${base}/api/demo/sampling`))
    expect(drawErrors.enabled).toBe(true)
    expect(sampling.counts.errorTracesKept).toBe(sampling.counts.errorTracesSeen)
    await put('/api/demo/faults/drawErrors', { enabled: false })
  })

  it('head sampling off at the balancer: the replica records no span either', async () => {
    await put('/api/demo/sampling', { head: { mode: 'always_off' }, tail: { enabled: false } })
    await pause(800) // the previous test's last spans arrive first
    const startedNs = BigInt(Date.now()) * 1_000_000n
    for (let n = 0; n < 10; n++) expect(await draw()).toBe(200)
    await pause(800)
    const fresh = (await buffered()).filter((span) => BigInt(span.startTimeUnixNano) >= startedNs)
    expect(fresh.map((span) => `${span.serviceName} ${span.name}`)).toEqual([])
    await put('/api/demo/sampling', { head: { mode: 'parentbased_always_on' } })
  })
})

describe('temporality behind the HA balancer', { timeout: 30_000 }, () => {
  it('counts the draws the balancer forwards, delta and cumulative agreeing', async () => {
    const read = async () => (await json(await fetch(`${base}/api/telemetry/temporality`))).points as { delta: { value: number }; cumulative: { value: number } }[]
    await read()
    for (let n = 0; n < 5; n++) expect(await draw()).toBe(200)
    await pause(2500)
    const points = await read()
    expect(points.at(-1)!.cumulative.value).toBeGreaterThanOrEqual(5)
    for (let i = 1; i < points.length; i++) expect(points[i]!.delta.value).toBe(points[i]!.cumulative.value - points[i - 1]!.cumulative.value)
  })
})

describe('cardinality behind the HA balancer', { timeout: 30_000 }, () => {
  it('counts the forwarded draws on the /metrics the slides scrape: the flag spoils them, the View fixes them', async () => {
    const drawsSeries = async () => seriesOf(countSeries(parsePrometheusText(await (await fetch(balancer.metricsUrl)).text())), 'draw64_draws_total')
    expect((await put('/api/demo/faults/highCardinality', { enabled: true, value: 100 })).status).toBe(200)
    const { lab, highCardinality } = await json(await fetch(`${base}/api/demo/cardinality`))
    expect([lab.limit, highCardinality.enabled]).toEqual([50, true])
    for (let n = 0; n < 60; n++) expect(await draw()).toBe(200)
    expect(await drawsSeries()).toEqual({ name: 'draw64_draws_total', series: 50, overflow: 1 })

    expect((await put('/api/demo/cardinality', { viewDropsRequestId: true })).status).toBe(200)
    for (let n = 0; n < 5; n++) expect(await draw()).toBe(200)
    expect((await drawsSeries()).series).toBe(1)
    await put('/api/demo/faults/highCardinality', { enabled: false })
    await put('/api/demo/cardinality', { viewDropsRequestId: false })
  })
})
