import { describe, it, expect } from 'vitest'
import { pickExemplar, scrapeWindowAt } from '../../lib/exemplar-pick.ts'
import type { TelemetrySpan } from '../../lib/span-tree.ts'
import { testSpan } from '../support/spans.ts'

const T0_MS = 1_732_170_000_000

// A server span of its own trace, ending `endMs` after T0 after `durationMs`.
const request = (traceId: string, endMs: number, durationMs: number, fields: Partial<TelemetrySpan['attributes']> = {}, status = 200) =>
  testSpan(traceId, `${traceId}-server`, 'PUT /api/images/:id', endMs - durationMs, endMs, {
    kind: 1,
    attributes: { 'http.route': '/api/images/:id', 'http.request.method': 'PUT', 'http.response.status_code': status, ...fields },
    status: { code: status >= 500 ? 2 : 0 },
  })

const window = (fromMs: number, toMs: number) => ({ fromMs: T0_MS + fromMs, toMs: T0_MS + toMs })

const spans = [
  request('before', 990, 500),
  request('slow', 1500, 300),
  request('failed', 1600, 20, {}, 500),
  request('latest', 1900, 5),
  testSpan('slow', 'slow-apply', 'apply command', 1250, 1490, { parentSpanId: 'slow-server' }),
  testSpan('browser', 'browser-put', 'PUT', 1000, 1999, { kind: 3, serviceName: 'draw64-web' }),
  request('reader', 1800, 900, { 'http.route': '/api/images/:id.png', 'http.request.method': 'GET' }),
  request('after', 2100, 800),
]

describe('a trace for a point of a chart', () => {
  it('takes the slowest request of the window for the latency chart, with its end and duration for the dot', () => {
    const exemplar = pickExemplar('latency', spans, window(1000, 2000))
    expect(exemplar).toMatchObject({ traceId: 'reader', timeMs: T0_MS + 1800 })
    expect(exemplar!.durationMs).toBeCloseTo(900, 6)
  })

  it('follows the chart\'s route and method filter', () => {
    expect(pickExemplar('latency', spans, window(1000, 2000), { route: '/api/images/:id', method: 'PUT' })?.traceId).toBe('slow')
  })

  it('takes an error of the window for the error chart, none when the window has no 5xx', () => {
    expect(pickExemplar('errorRate', spans, window(1000, 2000))?.traceId).toBe('failed')
    expect(pickExemplar('errorRate', spans, window(1700, 2000))).toBeUndefined()
  })

  it('takes the latest request of the window for the request-rate chart, never a browser span', () => {
    expect(pickExemplar('requestRate', spans, window(1000, 2000))?.traceId).toBe('latest')
  })

  it('counts a request in the window it ended in: after the start, up to the end included', () => {
    expect(pickExemplar('requestRate', spans, window(990, 1500))?.traceId).toBe('slow')
    expect(pickExemplar('latency', spans, window(2100, 3000))).toBeUndefined()
  })

  it('finds the scrape interval nearest a click', () => {
    const times = [1000, 2000, 3000]
    expect(scrapeWindowAt(times, 2400)).toEqual({ fromMs: 1000, toMs: 2000 })
    expect(scrapeWindowAt(times, 2600)).toEqual({ fromMs: 2000, toMs: 3000 })
    expect(scrapeWindowAt(times, 200)).toEqual({ fromMs: 0, toMs: 1000 })
    expect(scrapeWindowAt([], 200)).toBeUndefined()
  })
})
