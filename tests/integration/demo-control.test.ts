import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, pixelsOf, putCommand, randomTraceparent, spansOfTrace, traceIdOf } from '../support/http.ts'
import type { TelemetrySpanJson as SpanJson } from '../../demo/telemetry/serialize.ts'

let server: Draw64Process
let base: string

beforeAll(async () => {
  server = await startDraw64()
  base = server.baseUrl
  await fetch(`${base}/api/images/faulty`, { method: 'POST' })
})
afterAll(() => server.stop())

function setFault(name: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/demo/faults/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

/** Draws once with a known trace id and returns the answer and the spans of that trace. */
async function tracedDraw(): Promise<{ response: Response; spans: SpanJson[]; traceId: string; ms: number }> {
  const traceparent = randomTraceparent()
  const traceId = traceIdOf(traceparent)
  const started = performance.now()
  const response = await fetch(`${base}/api/images/faulty`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ command: { command_type: 'draw', values: [[9, 9, 1, 2, 3]] } }),
  })
  const ms = performance.now() - started
  return { response, traceId, ms, spans: await spansOfTrace(base, traceId) }
}

const durationMs = (span: SpanJson) => Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6

describe('fault flags', () => {
  afterEach(async () => {
    for (const name of ['drawLatency', 'drawErrors', 'slowDatabase']) await setFault(name, { enabled: false })
  })

  it('are all off at start, each with its value and unit', async () => {
    const { faults } = await json(await fetch(`${base}/api/demo/faults`))
    expect(Object.keys(faults)).toEqual(['drawLatency', 'drawErrors', 'slowDatabase', 'highCardinality'])
    for (const fault of Object.values<any>(faults)) expect(fault.enabled).toBe(false)
    expect(faults.drawErrors.unit).toBe('%')
  })

  it('drawErrors at 100 %: the draw answers 500, its span is an error with an exception, the log says why', async () => {
    const before = await pixelsOf(base, 'faulty')
    expect((await setFault('drawErrors', { enabled: true, value: 100 })).status).toBe(200)
    const { response, spans, traceId } = await tracedDraw()
    expect(response.status).toBe(500)
    expect(await pixelsOf(base, 'faulty')).toEqual(before)

    const apply = spans.find((span) => span.name === 'apply command')!
    expect(apply.status.code).toBe(2)
    const exception = apply.events.find((event) => event.name === 'exception')!
    expect(exception.attributes?.['exception.message']).toContain('drawErrors')
    expect(spans.find((span) => span.name === 'PUT /api/images/:id')?.status.code).toBe(2)

    const { logs } = await json(await fetch(`${base}/api/telemetry/logs`))
    const line = logs.find((log: { traceId: string; severityText: string }) => log.traceId === traceId && log.severityText === 'error')
    expect(line.body).toContain('injected fault drawErrors')
  })

  it('drawLatency: the draw is slower, and the span that grew is "apply command"', async () => {
    await setFault('drawLatency', { enabled: true, value: 300 })
    const { response, spans, ms } = await tracedDraw()
    expect(response.status).toBe(200)
    expect(ms).toBeGreaterThanOrEqual(300)
    expect(durationMs(spans.find((span) => span.name === 'apply command')!)).toBeGreaterThanOrEqual(300)
    expect(durationMs(spans.find((span) => span.name === 'UPDATE images')!)).toBeLessThan(100)
  })

  it('slowDatabase: every SQLite span grows by the value', async () => {
    await setFault('slowDatabase', { enabled: true, value: 60 })
    const { response, spans } = await tracedDraw()
    expect(response.status).toBe(200)
    for (const name of ['SELECT images', 'UPDATE images']) {
      expect(durationMs(spans.find((span) => span.name === name)!), name).toBeGreaterThanOrEqual(60)
    }
  })

  it('rejects an unknown flag with 404 and a bad value with 400, leaving the flag as it was', async () => {
    const { faults: before } = await json(await fetch(`${base}/api/demo/faults`))
    const unknown = await setFault('slowEverything', { enabled: true })
    expect(unknown.status).toBe(404)
    expect((await json(unknown)).error).toContain('drawLatency')
    for (const body of [{ enabled: true, value: 101 }, { enabled: 'yes' }, { value: 10 }, { enabled: true, value: -1 }]) {
      const response = await setFault('drawErrors', body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect((await json(response)).error).toBeTruthy()
    }
    const { faults: after } = await json(await fetch(`${base}/api/demo/faults`))
    expect(after).toEqual(before)
  })

  it('is switched by npm run fault', () => {
    const env = { ...process.env, DRAW64_PORT: new URL(base).port }
    const run = (...args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/fault.ts', ...args], { cwd: join(import.meta.dirname, '..', '..'), env, encoding: 'utf8' })
    expect(run('drawLatency', 'on', '150')).toContain('drawLatency ON (150 ms)')
    expect(run()).toMatch(/drawLatency\s+ON\s+150 ms/)
  })
})

describe('load generator', () => {
  it('achieves a rate within 20 % of 100 req/s, refuses a second load, and stops', async () => {
    const started = await fetch(`${base}/api/demo/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate: 100, durationSeconds: 30 }),
    })
    expect(started.status).toBe(202)
    expect(await json(started)).toMatchObject({ running: true, rateAsked: 100 })

    const again = await fetch(`${base}/api/demo/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rate":10,"durationSeconds":5}' })
    expect(again.status).toBe(409)

    const rates: number[] = []
    for (let second = 0; second < 6; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      rates.push((await json(await fetch(`${base}/api/demo/load`))).rateAchieved)
    }
    const steady = rates.slice(2)
    const mean = steady.reduce((sum, rate) => sum + rate, 0) / steady.length
    expect(mean).toBeGreaterThanOrEqual(80)
    expect(mean).toBeLessThanOrEqual(120)

    expect(await json(await fetch(`${base}/api/demo/load`, { method: 'DELETE' }))).toMatchObject({ running: false })
    // Once the requests in flight are answered, no new draw arrives: a quiet second comes soon.
    const spansInASecond = async () => {
      const { cursor } = await json(await fetch(`${base}/api/telemetry/spans`))
      await new Promise((resolve) => setTimeout(resolve, 1000))
      return (await json(await fetch(`${base}/api/telemetry/spans?after=${cursor}`))).spans.length
    }
    await expect.poll(spansInASecond, { timeout: 8000, interval: 0 }).toBe(0)
  }, 30_000)

  it('stops by itself at the end of its duration', async () => {
    await fetch(`${base}/api/demo/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rate":20,"durationSeconds":2}' })
    await new Promise((resolve) => setTimeout(resolve, 4000))
    expect(await json(await fetch(`${base}/api/demo/load`))).toMatchObject({ running: false, endsAt: null })
  })

  it('rejects a rate or a duration out of bounds with 400', async () => {
    for (const body of [{ rate: 0, durationSeconds: 10 }, { rate: 5000, durationSeconds: 10 }, { rate: 10, durationSeconds: 3600 }, { rate: 1.5, durationSeconds: 10 }]) {
      const response = await fetch(`${base}/api/demo/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(response.status, JSON.stringify(body)).toBe(400)
    }
  })
})

describe('demo control is local only', () => {
  it('refuses a caller that the local proxy forwards from another machine', async () => {
    const forwarded = { 'x-forwarded-for': '192.168.1.20' }
    expect((await fetch(`${base}/api/demo/faults`, { headers: forwarded })).status).toBe(403)
    expect((await setFault('drawErrors', { enabled: true }, forwarded)).status).toBe(403)
    const load = await fetch(`${base}/api/demo/load`, { method: 'POST', headers: { 'content-type': 'application/json', ...forwarded }, body: '{"rate":10,"durationSeconds":5}' })
    expect(load.status).toBe(403)
    expect((await json(load)).error).toContain('speaker')
    const { faults } = await json(await fetch(`${base}/api/demo/faults`))
    expect(faults.drawErrors.enabled).toBe(false)
  })

  it('answers the local machine, directly or forwarded from loopback', async () => {
    expect((await fetch(`${base}/api/demo/faults`, { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(200)
  })
})

describe('rejected commands are unaffected by flags', () => {
  it('still answers 400 for a bad draw while drawErrors is on', async () => {
    await setFault('drawErrors', { enabled: true, value: 100 })
    expect((await putCommand(base, 'faulty', { command_type: 'draw', values: [[64, 0, 0, 0, 0]] })).status).toBe(400)
    await setFault('drawErrors', { enabled: false })
  })
})

describe('replicas of a single Draw64 (no --replicas)', () => {
  it('lists none, so the slide says how to start the HA mode, and adds none', async () => {
    expect(await json(await fetch(`${base}/api/demo/replicas`))).toEqual({ replicas: [], min: 1, max: 4, rollingOut: null })
    expect((await fetch(`${base}/api/demo/replicas`, { method: 'POST' })).status).toBe(405)
    expect((await fetch(`${base}/api/demo/replicas`, { headers: { 'x-forwarded-for': '198.51.100.9' } })).status).toBe(403)
  })
})
