// The cardinality lab against a real Draw64: highCardinality makes draw64.draws explode up to
// its cardinality limit, the overflow series takes the rest, and the View brings it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { parsePrometheusText } from '../../lib/prometheus-text.ts'
import { countSeries, seriesOf } from '../../lib/series-count.ts'
import { json, putCommand } from '../support/http.ts'

let server: Draw64Process
const DRAWS = 'draw64_draws_total'

beforeAll(async () => {
  server = await startDraw64()
  await fetch(`${server.baseUrl}/api/images/cardinal`, { method: 'POST' })
})
afterAll(() => server.stop())

const scrape = async () => countSeries(parsePrometheusText(await (await fetch(server.metricsUrl)).text()))

async function draw(times: number): Promise<void> {
  for (let n = 0; n < times; n++) {
    expect((await putCommand(server.baseUrl, 'cardinal', { command_type: 'draw', values: [[n % 64, 1, 9, 9, 9]] })).status).toBe(200)
  }
}

function put(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
}

const labState = async () => json(await fetch(`${server.baseUrl}/api/demo/cardinality`))

describe('cardinality lab', { timeout: 60_000 }, () => {
  it('states its counter, its bad attribute and its explicit limit', async () => {
    const { lab, highCardinality } = await labState()
    expect(lab).toEqual({ metric: 'draw64.draws', attribute: 'draw64.request.id', limit: 50, viewDropsRequestId: false, sdkEnabled: true })
    expect(highCardinality).toMatchObject({ enabled: false, unit: '%' })
  })

  it('rises with highCardinality, stops at the limit with an overflow series, and falls back with the View', async () => {
    await draw(3)
    const calm = await scrape()
    expect(seriesOf(calm, DRAWS)).toEqual({ name: DRAWS, series: 1, overflow: 0 })

    expect((await put('/api/demo/faults/highCardinality', { enabled: true, value: 100 })).status).toBe(200)
    await draw(30)
    const rising = await scrape()
    expect(seriesOf(rising, DRAWS).series).toBe(31)
    // Other families may grow meanwhile (a new kind of GC, a new status code): at least the 30 new series.
    expect(rising.total).toBeGreaterThanOrEqual(calm.total + 30)

    await draw(40)
    const cappedScrape = await scrape()
    const capped = seriesOf(cappedScrape, DRAWS)
    expect(capped).toEqual({ name: DRAWS, series: 50, overflow: 1 })
    const text = await (await fetch(server.metricsUrl)).text()
    expect(text).toMatch(/draw64_draws_total\{otel_metric_overflow="true"[^}]*\} \d+/)

    const fixed = await put('/api/demo/cardinality', { viewDropsRequestId: true })
    expect(fixed.status).toBe(200)
    expect((await json(fixed)).lab.viewDropsRequestId).toBe(true)
    await draw(10)
    const after = await scrape()
    expect(seriesOf(after, DRAWS)).toEqual({ name: DRAWS, series: 1, overflow: 0 })
    // 49 series gone from draw64_draws_total, whatever a few other families gained meanwhile.
    expect(after.total).toBeLessThanOrEqual(cappedScrape.total - 49 + 20)
    expect(await (await fetch(server.metricsUrl)).text()).not.toContain('draw64_request_id')

    await put('/api/demo/faults/highCardinality', { enabled: false })
    await put('/api/demo/cardinality', { viewDropsRequestId: false })
  })

  it('rejects a bad View switch with a 400 JSON error and changes nothing', async () => {
    for (const body of [{ viewDropsRequestId: 'yes' }, {}, { viewDropsRequestId: true, extra: 1 }, 'not json', [true]]) {
      const response = await put('/api/demo/cardinality', body)
      expect(response.status).toBe(400)
      expect(typeof (await json(response)).error).toBe('string')
    }
    expect((await labState()).lab.viewDropsRequestId).toBe(false)
  })

  it('answers only the local machine', async () => {
    const forwarded = { 'x-forwarded-for': '192.168.1.20' }
    expect((await fetch(`${server.baseUrl}/api/demo/cardinality`, { headers: forwarded })).status).toBe(403)
    expect((await put('/api/demo/cardinality', { viewDropsRequestId: true }, forwarded)).status).toBe(403)
    expect((await labState()).lab.viewDropsRequestId).toBe(false)
  })
})
