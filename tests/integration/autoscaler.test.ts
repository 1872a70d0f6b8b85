// The opt-in autoscaler of HA mode against real processes: under load with slowDatabase the
// replicas' p95 climbs and it adds replicas; once the load stops it removes them. Each decision
// is a span and a log line with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import type { TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'
import { drawAlong, json } from '../support/http.ts'

let balancer: Draw64Process
let base: string
const JSON_TYPE = { 'content-type': 'application/json' }

beforeAll(async () => {
  balancer = await startDraw64({ args: ['--replicas', '1'] })
  base = balancer.baseUrl
  await fetch(`${base}/api/images/busy`, { method: 'POST' })
}, 60_000)
afterAll(() => balancer.stop())

const running = async () => (await json(await fetch(`${base}/api/demo/replicas`))).replicas.filter((replica: { state: string }) => replica.state !== 'crashed').length
const setAutoscaler = (body: unknown) => fetch(`${base}/api/demo/autoscaler`, { method: 'PUT', headers: JSON_TYPE, body: JSON.stringify(body) })

describe('the autoscaler', () => {
  it('is off at start, and refuses bad thresholds with a 400, changing nothing', async () => {
    const before = await json(await fetch(`${base}/api/demo/autoscaler`))
    expect(before).toMatchObject({ enabled: false, lastDecision: null, policy: { p95Ms: 200, sustainSeconds: 10 } })
    for (const body of [{}, { enabled: 'yes' }, { enabled: true, p95Ms: -1 }, { enabled: true, sustainSeconds: 'ten' }, { enabled: true, replicas: 9 }]) {
      const answer = await setAutoscaler(body)
      expect(answer.status).toBe(400)
      expect((await json(answer)).error).toEqual(expect.any(String))
    }
    expect(await json(await fetch(`${base}/api/demo/autoscaler`))).toEqual(before)
    expect((await fetch(`${base}/api/demo/autoscaler`, { headers: { 'x-forwarded-for': '198.51.100.3' } })).status).toBe(403)
  })

  it('adds replicas under a slow load, then removes them once it stops', async () => {
    const enabled = await setAutoscaler({ enabled: true, p95Ms: 30, loopDelayMs: 10_000, sustainSeconds: 2, idleRate: 1, idleSeconds: 3, cooldownSeconds: 2 })
    expect(enabled.status).toBe(200)
    expect(await json(enabled)).toMatchObject({ enabled: true, policy: { p95Ms: 30, sustainSeconds: 2, loopDelayMs: 10_000, idleSeconds: 3 } })
    expect((await fetch(`${base}/api/demo/faults/slowDatabase`, { method: 'PUT', headers: JSON_TYPE, body: '{"enabled": true, "value": 20}' })).status).toBe(200)

    const { stop: stopDrawing } = drawAlong(base, 'busy', 1, [5, 5, 5], 50)
    try {
      await expect.poll(running, { timeout: 30_000, interval: 500 }).toBeGreaterThanOrEqual(2)
    } finally {
      await stopDrawing()
      await fetch(`${base}/api/demo/faults/slowDatabase`, { method: 'PUT', headers: JSON_TYPE, body: '{"enabled": false}' })
    }
    const { spans } = await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))
    const up = (spans as TelemetrySpanJson[]).find((span) => span.name === 'autoscale +1')!
    expect(up.attributes['draw64.autoscale.reason']).toMatch(/^p95 [\d,]+ ms > 30 ms pendant 2 s → \+1 réplique$/)
    await expect.poll(async () => (await json(await fetch(`${base}/api/telemetry/logs`))).logs.some((log: { body: string; traceId: string }) => log.body === `autoscaler: ${up.attributes['draw64.autoscale.reason']}` && log.traceId === up.traceId), { timeout: 3000 }).toBe(true)

    await expect.poll(running, { timeout: 45_000, interval: 500 }).toBe(1)
    expect((await json(await fetch(`${base}/api/demo/autoscaler`))).lastDecision).toMatchObject({ change: -1, reason: expect.stringMatching(/→ −1 réplique$/) })
    expect((await setAutoscaler({ enabled: false })).status).toBe(200)
  }, 90_000)
})
