// Sampling on a real Draw64: head sampling switched live leaves the metrics complete; the tail
// policy keeps every error trace and drops the fast successful ones.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { parsePrometheusText, sumSamples, findFamily } from '../../lib/prometheus-text.ts'
import type { TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'
import { json, randomTraceparent, traceIdOf } from '../support/http.ts'

let server: Draw64Process
let base: string

beforeAll(async () => {
  server = await startDraw64()
  base = server.baseUrl
  await fetch(`${base}/api/images/sampled`, { method: 'POST' })
})
afterAll(() => server.stop())

const put = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
const state = async () => (await json(await fetch(`${base}/api/demo/sampling`))).sampling
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One draw; with a traceparent, its trace id. */
async function draw(traceparent?: string): Promise<number> {
  const response = await fetch(`${base}/api/images/sampled`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(traceparent ? { traceparent } : {}) },
    body: JSON.stringify({ command: { command_type: 'draw', values: [[1, 1, 2, 3, 4]] } }),
  })
  await response.arrayBuffer()
  return response.status
}

async function drawRequests(): Promise<number> {
  const families = parsePrometheusText(await (await fetch(server.metricsUrl)).text())
  return sumSamples(findFamily(families, 'http_server_request_duration'), (labels) => labels.http_request_method === 'PUT', 'http_server_request_duration_count')
}

async function bufferedTraceIds(): Promise<Set<string>> {
  const { spans } = await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))
  return new Set((spans as TelemetrySpanJson[]).map((span) => span.traceId))
}

afterEach(async () => {
  await put('/api/demo/sampling', { head: { mode: 'parentbased_always_on' }, tail: { enabled: false } })
  await put('/api/demo/faults/drawErrors', { enabled: false })
})

describe('sampling', { timeout: 60_000 }, () => {
  it('starts with every span kept and the tail policy off', async () => {
    expect(await state()).toMatchObject({ sdkEnabled: true, head: { mode: 'parentbased_always_on' }, tail: { enabled: false } })
  })

  it('head sampling off: no span recorded, and /metrics still counts every request', async () => {
    expect((await put('/api/demo/sampling', { head: { mode: 'always_off' } })).status).toBe(200)
    const [spansBefore, requestsBefore] = [(await state()).counts.spansSeen, await drawRequests()]
    for (let n = 0; n < 10; n++) expect(await draw()).toBe(200)
    await pause(200)
    expect((await state()).counts.spansSeen).toBe(spansBefore)
    expect(await drawRequests()).toBe(requestsBefore + 10)
  })

  it('head sampling at a ratio keeps about that share of new traces, by the SDK’s TraceIdRatioBased', async () => {
    await put('/api/demo/sampling', { head: { mode: 'parentbased_traceidratio', ratio: 0.25 } })
    const before = await bufferedTraceIds()
    for (let n = 0; n < 200; n++) await draw()
    await pause(200)
    const kept = [...(await bufferedTraceIds())].filter((traceId) => !before.has(traceId)).length
    expect(kept).toBeGreaterThan(20)
    expect(kept).toBeLessThan(90)
  })

  it('tail policy under drawErrors: every error trace kept, every fast successful one dropped', async () => {
    await put('/api/demo/sampling', { tail: { enabled: true, latencyMs: 1000, ratio: 0 } })
    await put('/api/demo/faults/drawErrors', { enabled: true, value: 50 })
    const before = (await state()).counts
    const outcomes: { traceId: string; status: number }[] = []
    for (let n = 0; n < 40; n++) {
      const traceparent = randomTraceparent()
      outcomes.push({ traceId: traceIdOf(traceparent), status: await draw(traceparent) })
    }
    await pause(1200) // complete traces are decided 500 ms after their root ends
    const buffered = await bufferedTraceIds()
    const errors = outcomes.filter((outcome) => outcome.status === 500)
    expect(errors.length).toBeGreaterThan(5)
    expect(errors.length).toBeLessThan(35)
    for (const { traceId, status } of outcomes) expect([traceId, buffered.has(traceId)]).toEqual([traceId, status === 500])

    const after = (await state()).counts
    expect(after.errorTracesSeen - before.errorTracesSeen).toBe(errors.length)
    expect(after.errorTracesKept - before.errorTracesKept).toBe(errors.length)
    expect(after.kept - before.kept).toBe(errors.length)
    expect(after.dropped - before.dropped).toBe(outcomes.length - errors.length)
  })

  it('tail policy under drawErrors at 100 %: 100 % of the error traces kept', async () => {
    await put('/api/demo/sampling', { tail: { enabled: true, latencyMs: 1000, ratio: 0 } })
    await put('/api/demo/faults/drawErrors', { enabled: true, value: 100 })
    const traceIds: string[] = []
    for (let n = 0; n < 20; n++) {
      const traceparent = randomTraceparent()
      traceIds.push(traceIdOf(traceparent))
      expect(await draw(traceparent)).toBe(500)
    }
    await pause(1200)
    const buffered = await bufferedTraceIds()
    expect(traceIds.filter((traceId) => buffered.has(traceId))).toEqual(traceIds)
  })

  it('rejects bad input with a 400 JSON error naming the field, and changes nothing', async () => {
    const before = await state()
    for (const body of [{}, { head: { mode: 'sometimes' } }, { head: { mode: 'parentbased_traceidratio', ratio: 2 } }, { tail: { latencyMs: 0 } }, { tail: { ratio: -1 } }, { tail: { enabled: 'yes' } }, { other: 1 }, 'nope']) {
      const response = await put('/api/demo/sampling', body)
      expect(response.status).toBe(400)
      expect(typeof (await json(response)).error).toBe('string')
    }
    const after = await state()
    expect([after.head, after.tail]).toEqual([before.head, before.tail])
  })

  it('answers only the local machine', async () => {
    const forwarded = { 'x-forwarded-for': '192.168.1.20' }
    expect((await fetch(`${base}/api/demo/sampling`, { headers: forwarded })).status).toBe(403)
    expect((await put('/api/demo/sampling', { head: { mode: 'always_off' } }, forwarded)).status).toBe(403)
    expect((await state()).head.mode).toBe('parentbased_always_on')
  })
})
