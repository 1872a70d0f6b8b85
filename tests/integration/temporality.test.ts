// One counter read by two readers of a real Draw64's SDK, at the same ticks: the delta
// readings add up to the differences of the cumulative ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../scripts/draw64-process.ts'
import { temporalityAnswerSchema, type TemporalityPoint } from '../../lib/wire.ts'
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
  it('reads draw64.pixels.drawn as delta and as cumulative: each delta is the cumulative difference', async () => {
    await readings() // a poll makes the tick every second
    let painted = 0
    for (const pixels of [3, 10, 1, 25]) {
      const values = Array.from({ length: pixels }, (_, i) => [i, pixels, 1, 2, 3])
      expect((await putCommand(server.baseUrl, 'tempo', { command_type: 'draw', values })).status).toBe(200)
      painted += pixels
      await pause(1200)
    }
    await pause(1500)
    const { metric, sdkEnabled, points } = await readings()
    expect([metric, sdkEnabled]).toEqual(['draw64.pixels.drawn', true])
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
    expect(points.at(-1)!.cumulative.value).toBe(painted)
    // More than one tick saw pixels: the delta series is not one lump.
    expect(points.filter((point) => point.delta.value > 0).length).toBeGreaterThanOrEqual(3)

    const scraped = (await (await fetch(server.metricsUrl)).text()).match(/^draw64_pixels_drawn_total(?:\{[^}]*\})? (\d+)/m)
    expect(Number(scraped?.[1])).toBe(painted)
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
