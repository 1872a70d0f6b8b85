// One counter read by two readers of a real Draw64's SDK, at the same ticks: the delta
// readings add up to the differences of the cumulative ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { temporalityAnswerSchema, type TemporalityPoint } from '../../lib/wire.ts'
import { findFamily, parsePrometheusText, sumSamples } from '../../lib/prometheus-text.ts'
import { json, putCommand } from '../support/http.ts'

let server: Draw64Process

beforeAll(async () => {
  server = await startDraw64()
  await fetch(`${server.baseUrl}/api/images/tempo`, { method: 'POST' })
})
afterAll(() => server.stop())

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const readings = async (query = '') => temporalityAnswerSchema.parse(await json(await fetch(`${server.baseUrl}/api/telemetry/temporality${query}`)))

describe('GET /api/telemetry/temporality', { timeout: 30_000 }, () => {
  it('reads the draws served as delta and as cumulative: each delta is the cumulative difference', async () => {
    await readings() // a poll makes the tick every second
    let served = 0
    for (const draws of [3, 10, 1, 25]) {
      for (let n = 0; n < draws; n++) expect((await putCommand(server.baseUrl, 'tempo', { command_type: 'draw', values: [[n, draws, 1, 2, 3]] })).status).toBe(200)
      served += draws
      await pause(1200)
    }
    await pause(1500)
    const { metric, sdkEnabled, points } = await readings()
    expect([metric, sdkEnabled]).toEqual(['http.server.request.duration', true])
    expect(points.length).toBeGreaterThanOrEqual(5)

    const pairs = points.slice(1).map((point, i): [TemporalityPoint, TemporalityPoint] => [points[i]!, point])
    for (const [before, after] of pairs) {
      expect(after.delta.value).toBe(after.cumulative.value - before.cumulative.value)
      // Each delta window lies after the previous one (it starts at its first add); the cumulative one never moves.
      expect(after.delta.startMs).toBeGreaterThanOrEqual(before.delta.endMs - 1)
      expect(after.delta.endMs).toBeGreaterThan(before.delta.endMs)
      if (before.cumulative.value > 0) expect(after.cumulative.startMs).toBe(before.cumulative.startMs)
    }
    const deltas = points.slice(1).reduce((sum, point) => sum + point.delta.value, 0)
    expect(deltas).toBe(points.at(-1)!.cumulative.value - points[0]!.cumulative.value)
    expect(points.at(-1)!.cumulative.value).toBe(served)
    // More than one tick saw draws: the delta series is not one lump.
    expect(points.filter((point) => point.delta.value > 0).length).toBeGreaterThanOrEqual(3)

    const families = parsePrometheusText(await (await fetch(server.metricsUrl)).text())
    const isPut = (labels: Record<string, string>) => labels.http_request_method === 'PUT'
    expect(sumSamples(findFamily(families, 'http_server_request_duration'), isPut, 'http_server_request_duration_count')).toBe(served)
  })

  it('answers the newest N readings with ?points=N', async () => {
    expect((await readings('?points=2')).points.length).toBeLessThanOrEqual(2)
  })

  it('rejects a bad ?points with a 400 JSON error', async () => {
    for (const bad of ['0', '61', '2.5', 'abc', '']) {
      const response = await fetch(`${server.baseUrl}/api/telemetry/temporality?points=${bad}`)
      expect(response.status).toBe(400)
      expect((await json(response)).error).toMatch(/points/)
    }
  })
})
