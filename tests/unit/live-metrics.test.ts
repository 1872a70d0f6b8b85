import { describe, it, expect } from 'vitest'
import { chartTimeline, formatHeadline, formatSplitHeadline, formatValue, METRIC_CHARTS, splitTimeline, type ScrapeReading } from '../../lib/live-metrics.ts'
import { parsePrometheusText } from '../../lib/prometheus-text.ts'

// Lines as @opentelemetry/exporter-prometheus 0.223 writes them for Draw64 (label order included).
const HTTP_BOUNDS = ['0.0005', '0.001', '0.002', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']
const DB_BOUNDS = ['0.00005', '0.0001', '0.00025', '0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '+Inf']
const HTTP_HEADER = `# HELP http_server_request_duration Duration of HTTP server requests.
# UNIT http_server_request_duration s
# TYPE http_server_request_duration histogram`
const DB_HEADER = `# HELP db_client_operation_duration Duration of SQLite statements
# UNIT db_client_operation_duration s
# TYPE db_client_operation_duration histogram`

// One histogram series: its _count, _sum and cumulative _bucket lines (`cumulative[i]` for HTTP_BOUNDS[i]).
function httpSeries(method: string, route: string | undefined, status: string, cumulative: number[]): string {
  const labels = `http_request_method="${method}",url_scheme="http",network_protocol_version="1.1",${route ? `http_route="${route}",` : ''}http_response_status_code="${status}",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0"`
  return histogramLines('http_server_request_duration', labels, HTTP_BOUNDS, cumulative)
}

function dbSeries(operation: string, cumulative: number[]): string {
  const labels = `db_system_name="sqlite",db_operation_name="${operation}",db_collection_name="images",otel_scope_name="draw64"`
  return histogramLines('db_client_operation_duration', labels, DB_BOUNDS, cumulative)
}

function histogramLines(name: string, labels: string, bounds: string[], cumulative: number[]): string {
  const filled = bounds.map((_, i) => cumulative[Math.min(i, cumulative.length - 1)]!)
  return [
    `${name}_count{${labels}} ${filled[filled.length - 1]}`,
    `${name}_sum{${labels}} 0.123`,
    ...bounds.map((le, i) => `${name}_bucket{${labels},le="${le}"} ${filled[i]}`),
  ].join('\n')
}

const scrape = (timeMs: number, text: string): ScrapeReading => ({ timeMs, families: parsePrometheusText(text) })

// Between these two scrapes, 2 s apart, Draw64 answered 100 requests:
// - PUT /api/images/:id → 200: 80, of which 40 in ]1, 2] ms, 32 in ]2, 5] ms, 4 in ]5, 10] ms, 4 in ]10, 25] ms;
// - PUT /api/images/:id → 400: 6, all ≤ 0.5 ms;
// - PUT /api/images/:id → 500: 4, all in ]100, 250] ms; this series did not exist before (counts from 0);
// - GET / (no route) → 200: 10, all in ]1, 2] ms.
// It drew 100 pixels, and SQLite ran 20 statements: 18 ≤ 0.05 ms, 2 in ]1, 2.5] ms.
const PREV = scrape(
  10_000,
  `${HTTP_HEADER}
${httpSeries('PUT', '/api/images/:id', '200', [0, 10, 60, 90, 95, 100])}
${httpSeries('PUT', '/api/images/:id', '400', [4])}
${httpSeries('GET', undefined, '200', [0, 0, 3])}
# HELP draw64_pixels_drawn_total Pixels painted by draw and clear commands
# UNIT draw64_pixels_drawn_total {pixel}
# TYPE draw64_pixels_drawn_total counter
draw64_pixels_drawn_total{otel_scope_name="draw64"} 303
${DB_HEADER}
${dbSeries('SELECT', [294])}
${dbSeries('UPDATE', [290])}
`,
)

const CURR = scrape(
  12_000,
  `${HTTP_HEADER}
${httpSeries('PUT', '/api/images/:id', '200', [0, 10, 100, 162, 171, 180])}
${httpSeries('PUT', '/api/images/:id', '400', [10])}
${httpSeries('PUT', '/api/images/:id', '500', [0, 0, 0, 0, 0, 0, 0, 0, 4])}
${httpSeries('GET', undefined, '200', [0, 0, 13])}
# HELP nodejs_eventloop_delay_min Event loop minimum delay.
# UNIT nodejs_eventloop_delay_min s
# TYPE nodejs_eventloop_delay_min gauge
nodejs_eventloop_delay_min{otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 0.010027008
# HELP nodejs_eventloop_delay_p50 Event loop 50 percentile delay.
# UNIT nodejs_eventloop_delay_p50 s
# TYPE nodejs_eventloop_delay_p50 gauge
nodejs_eventloop_delay_p50{otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 0.010141695
# HELP nodejs_eventloop_delay_p99 Event loop 99 percentile delay.
# UNIT nodejs_eventloop_delay_p99 s
# TYPE nodejs_eventloop_delay_p99 gauge
nodejs_eventloop_delay_p99{otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 0.012845055
# HELP v8js_memory_heap_used Heap Memory size allocated.
# UNIT v8js_memory_heap_used By
# TYPE v8js_memory_heap_used gauge
v8js_memory_heap_used{v8js_heap_space_name="read_only_space",otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 0
v8js_memory_heap_used{v8js_heap_space_name="new_space",otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 86304
v8js_memory_heap_used{v8js_heap_space_name="old_space",otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 20259960
v8js_memory_heap_used{v8js_heap_space_name="code_space",otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 1146176
v8js_memory_heap_used{v8js_heap_space_name="large_object_space",otel_scope_name="@opentelemetry/instrumentation-runtime-node",otel_scope_version="0.36.1"} 4170808
# HELP draw64_pixels_drawn_total Pixels painted by draw and clear commands
# UNIT draw64_pixels_drawn_total {pixel}
# TYPE draw64_pixels_drawn_total counter
draw64_pixels_drawn_total{otel_scope_name="draw64"} 503
# HELP draw64_sse_clients Clients connected to the live event stream
# UNIT draw64_sse_clients {client}
# TYPE draw64_sse_clients gauge
draw64_sse_clients{otel_scope_name="draw64"} 3
${DB_HEADER}
${dbSeries('SELECT', [304])}
${dbSeries('UPDATE', [298, 298, 298, 298, 298, 300])}
`,
)

const PUT_DRAW = { route: '/api/images/:id', method: 'PUT' }
const values = (key: keyof typeof METRIC_CHARTS, filter = {}, prev = PREV, curr = CURR) =>
  METRIC_CHARTS[key].values(prev, curr, filter)

describe('requestRate', () => {
  it('sums the request counts of every route and status, per second', () => {
    // 80 + 6 + 4 + 10 = 100 requests in 2 s
    expect(values('requestRate')).toEqual([50])
  })

  it('keeps only the requests of the route and method asked for', () => {
    // 80 + 6 + 4 = 90 PUTs in 2 s
    expect(values('requestRate', PUT_DRAW)).toEqual([45])
  })

  it('counts from 0 again after the server restarted', () => {
    // 5 requests since the restart, in 2 s
    const restarted = scrape(12_000, `${HTTP_HEADER}\n${httpSeries('GET', undefined, '200', [5])}\n`)
    expect(values('requestRate', {}, PREV, restarted)).toEqual([2.5])
  })
})

describe('errorRate', () => {
  it('gives the share of 5xx and of 4xx among all requests, in percent', () => {
    // 4 / 100 and 6 / 100
    expect(values('errorRate')).toEqual([4, 6])
  })

  it('takes the share within the filtered requests', () => {
    // 4 / 90 and 6 / 90
    const [serverErrors, clientErrors] = values('errorRate', PUT_DRAW)
    expect(serverErrors).toBeCloseTo(4.444, 3)
    expect(clientErrors).toBeCloseTo(6.667, 3)
  })

  it('has no value when no request came in', () => {
    expect(values('errorRate', {}, PREV, { ...PREV, timeMs: 11_000 })).toEqual([NaN, NaN])
  })
})

describe('latency', () => {
  it('gives p50, p95 and p99 in ms of the requests made between the two scrapes', () => {
    // Window buckets (cumulative): ≤0.5 ms 6, ≤1 ms 6, ≤2 ms 56, ≤5 ms 88, ≤10 ms 92, ≤25 ms 96, ≤250 ms 100.
    // p50: rank 50 in ]1, 2] (50 there, 44 needed) → 1 + 1 × 44/50 = 1.88 ms
    // p95: rank 95 in ]10, 25] (4 there, 3 needed) → 10 + 15 × 3/4 = 21.25 ms
    // p99: rank 99 in ]100, 250] (4 there, 3 needed) → 100 + 150 × 3/4 = 212.5 ms
    const [p50, p95, p99] = values('latency')
    expect(p50).toBeCloseTo(1.88, 9)
    expect(p95).toBeCloseTo(21.25, 9)
    expect(p99).toBeCloseTo(212.5, 9)
  })

  it('reads only the route and method asked for', () => {
    // 90 PUTs: ≤0.5 ms 6, ≤2 ms 46, ≤5 ms 78, ≤10 ms 82, ≤25 ms 86, ≤250 ms 90.
    // p50: rank 45 → 1 + 1 × 39/40 = 1.975; p95: rank 85.5 → 10 + 15 × 3.5/4 = 23.125;
    // p99: rank 89.1 → 100 + 150 × 3.1/4 = 216.25
    const [p50, p95, p99] = values('latency', PUT_DRAW)
    expect(p50).toBeCloseTo(1.975, 9)
    expect(p95).toBeCloseTo(23.125, 9)
    expect(p99).toBeCloseTo(216.25, 9)
    // The 10 GETs, all in ]1, 2] ms: p50 → 1 + 1 × 5/10
    expect(values('latency', { method: 'GET' })[0]).toBeCloseTo(1.5, 9)
  })

  it('has no value when no request came in', () => {
    expect(values('latency', {}, PREV, { ...PREV, timeMs: 11_000 })).toEqual([NaN, NaN, NaN])
  })
})

describe('pixelsRate', () => {
  it('is the per-second increase of the pixels drawn', () => {
    // 503 − 303 = 200 pixels in 2 s
    expect(values('pixelsRate')).toEqual([100])
  })

  it('counts from 0 a counter the previous scrape did not have yet', () => {
    // 503 pixels in 2 s
    expect(values('pixelsRate', {}, scrape(10_000, ''))).toEqual([251.5])
  })
})

describe('runtime and database gauges', () => {
  it('reads the event-loop delay p50 and p99 above the 10 ms sampling tick (the minimum), in ms', () => {
    const [p50, p99] = values('eventLoopDelay')
    // 0.010141695 - 0.010027008 s and 0.012845055 - 0.010027008 s
    expect(p50).toBeCloseTo(0.114687, 9)
    expect(p99).toBeCloseTo(2.818047, 9)
  })

  it('sums the V8 heap used over heap spaces, in MB', () => {
    // 86304 + 20259960 + 1146176 + 4170808 = 25663248 bytes
    expect(values('heap')[0]).toBeCloseTo(25.663248, 9)
  })

  it('has no value for a runtime gauge the scrape does not carry yet', () => {
    expect(values('heap', {}, PREV, PREV)).toEqual([NaN])
    expect(values('eventLoopDelay', {}, PREV, PREV)).toEqual([NaN, NaN])
  })

  it('reads the SSE clients, none before the first one connected', () => {
    expect(values('sseClients')).toEqual([3])
    expect(values('sseClients', {}, PREV, PREV)).toEqual([0])
  })

  it('gives the rate of requests refused by the per-client limit, 0 before the first refusal', () => {
    const refusals = (timeMs: number, count: number) =>
      scrape(timeMs, `# TYPE draw64_rate_limit_rejections_total counter\ndraw64_rate_limit_rejections_total{http_route="/api/images/:id",otel_scope_name="draw64"} ${count}\n`)
    expect(METRIC_CHARTS.rateLimited.values(refusals(0, 4), refusals(2000, 30), {})).toEqual([13])
    expect(METRIC_CHARTS.rateLimited.values(PREV, CURR, {})).toEqual([0])
  })

  it('gives the p95 in ms of the SQLite statements between the two scrapes, over all operations', () => {
    // 20 statements: ≤0.05 ms 18, ≤2.5 ms 20. p95: rank 19 in ]1, 2.5] (2 there, 1 needed) → 1 + 1.5 × 1/2
    expect(values('sqliteLatency')[0]).toBeCloseTo(1.75, 9)
  })
})

describe('chartTimeline', () => {
  const pixels = (timeMs: number, count: number) =>
    scrape(timeMs, `# TYPE draw64_pixels_drawn_total counter\ndraw64_pixels_drawn_total{otel_scope_name="draw64"} ${count}\n`)

  it('gives one point per pair of consecutive scrapes, at the later one', () => {
    expect(chartTimeline('pixelsRate', [pixels(0, 0), pixels(1000, 10), pixels(2000, 30)])).toEqual({
      times: [1000, 2000],
      values: [[10, 20]],
    })
  })

  it('keeps only the points of the window before the latest scrape', () => {
    const scrapes = [pixels(0, 0), pixels(1000, 10), pixels(2000, 30), pixels(3000, 60)]
    expect(chartTimeline('pixelsRate', scrapes, {}, 1500)).toEqual({ times: [2000, 3000], values: [[20, 30]] })
  })

  it('has no point before two scrapes exist', () => {
    expect(chartTimeline('latency', [CURR])).toEqual({ times: [], values: [[], [], []] })
  })

  it('passes the filter to the HTTP charts', () => {
    expect(chartTimeline('requestRate', [PREV, CURR], PUT_DRAW).values).toEqual([[45]])
  })
})

describe('formatting', () => {
  it('writes values the French way, with a precision that suits their size', () => {
    expect(formatValue(42.4, 'req/s')).toBe('42\u00a0req/s')
    expect(formatValue(1.25, 'ms')).toBe('1,3\u00a0ms')
    expect(formatValue(0.0123, 'ms')).toBe('0,012\u00a0ms')
    expect(formatValue(0, '%')).toBe('0\u00a0%')
  })

  it('shows a dash, never NaN, when there is no value', () => {
    expect(formatValue(NaN, 'ms')).toBe('—')
    expect(formatHeadline('latency', [NaN, NaN, NaN])).toBe('p95 —')
  })

  it('names the headline series of a chart that has several', () => {
    expect(formatHeadline('latency', [1.88, 21.25, 212.5])).toBe('p95 21\u00a0ms')
    expect(formatHeadline('errorRate', [4, 6])).toBe('5xx 4\u00a0%')
    expect(formatHeadline('requestRate', [50])).toBe('50\u00a0req/s')
  })
})

describe('the whole system in HA mode (replicas’ series labelled with their service_name)', () => {
  const replicaLabel = (text: string, service: string) => text.replaceAll('otel_scope_name=', `service_name="${service}",service_version="1",otel_scope_name=`)
  const withReplica = (reading: string, service: string) => reading + '\n' + replicaLabel(reading.split('\n').filter((line) => line.startsWith('http_server') || line.startsWith('nodejs_eventloop')).join('\n'), service)
  const rawPrev = `${HTTP_HEADER}\n${httpSeries('PUT', '/api/images/:id', '200', [0, 0, 10, 20])}`
  const rawCurr = `${HTTP_HEADER}\n${httpSeries('PUT', '/api/images/:id', '200', [0, 0, 30, 60])}`

  it('counts each request once, at the balancer, not again in the replica that served it', () => {
    const [alone] = METRIC_CHARTS.requestRate.values(scrape(0, rawPrev), scrape(2000, rawCurr), {})
    const [withReplicas] = METRIC_CHARTS.requestRate.values(scrape(0, withReplica(rawPrev, 'draw64-replica-1')), scrape(2000, withReplica(rawCurr, 'draw64-replica-1')), {})
    expect(alone).toBe(20)
    expect(withReplicas).toBe(20)
  })

  it('shows the event-loop delay of the worst process', () => {
    const loop = (min: number, p99: number, labels = '') => `# TYPE nodejs_eventloop_delay_min gauge
nodejs_eventloop_delay_min{${labels}otel_scope_name="runtime"} ${min}
nodejs_eventloop_delay_p50{${labels}otel_scope_name="runtime"} ${min}
# TYPE nodejs_eventloop_delay_p99 gauge
nodejs_eventloop_delay_p99{${labels}otel_scope_name="runtime"} ${p99}`
    const text = [loop(0.01, 0.011), loop(0.01, 0.06, 'service_name="draw64-replica-2",'), loop(0.01, 0.012, 'service_name="draw64-replica-1",')].join('\n')
    const [, p99] = METRIC_CHARTS.eventLoopDelay.values(scrape(0, text), scrape(1000, text))
    expect(p99).toBeCloseTo(50, 6)
  })
})

describe('a chart split by replica or by version', () => {
  // The balancer's own series (no service_name) and each replica's, as the balancer's /metrics serves them.
  const replica = (service: string, version: string, status: string, cumulative: number[]) =>
    httpSeries('PUT', '/api/images/:id', status, cumulative).replaceAll('otel_scope_name=', `service_name="${service}",service_version="${version}",otel_scope_name=`)
  const at = (timeMs: number, served: { one: number; twoOk: number; twoFailed: number; three: number }) =>
    scrape(timeMs, [
      HTTP_HEADER,
      httpSeries('PUT', '/api/images/:id', '200', [served.one + served.twoOk + served.twoFailed + served.three]),
      replica('draw64-replica-1', '1', '200', [served.one]),
      replica('draw64-replica-2', '1', '200', [served.twoOk]),
      replica('draw64-replica-2', '1', '500', [served.twoFailed]),
      replica('draw64-replica-10', '2', '200', [0, served.three]),
    ].join('\n'))
  // Over 2 s: replica 1 served 20, replica 2 served 10 of which 5 failed, replica 10 (v2) served 4.
  const scrapes = [at(0, { one: 0, twoOk: 0, twoFailed: 0, three: 0 }), at(2000, { one: 20, twoOk: 5, twoFailed: 5, three: 4 })]

  it('draws one line per replica, from the replicas’ own series, in their numbers’ order', () => {
    const { series, timeline } = splitTimeline('requestRate', scrapes, 'replica')
    expect(series.map((s) => s.label)).toEqual(['réplique 1', 'réplique 2', 'réplique 10'])
    expect(new Set(series.map((s) => s.color)).size).toBe(3)
    expect(timeline).toEqual({ times: [2000], values: [[10], [5], [2]] })
  })

  it('tells which replica fails while the others do not', () => {
    const { series, timeline } = splitTimeline('errorRate', scrapes, 'replica')
    expect(timeline.values).toEqual([[0], [50], [0]])
    expect(formatSplitHeadline('errorRate', series, timeline.values.map((v) => v[0]!))).toBe('réplique 2 50\u00a0%')
    expect(formatSplitHeadline('errorRate', series, [0, 0, 0])).toBe('0\u00a0%')
  })

  it('groups the replicas of one version: v2 taking over shows as its own line', () => {
    const { series, timeline } = splitTimeline('requestRate', scrapes, 'version')
    expect(series.map((s) => s.label)).toEqual(['v1', 'v2'])
    expect(timeline.values).toEqual([[15], [2]])
    expect(formatSplitHeadline('requestRate', series, [15, 2])).toBe('17\u00a0req/s')
  })

  it('draws the p95 of each replica, from its own buckets', () => {
    const { timeline } = splitTimeline('latency', scrapes, 'replica')
    // Replica 1's 20 requests all took 0.5 ms or less; replica 10's 4 between 0.5 and 1 ms.
    const [one, , ten] = timeline.values.map((v) => v[0]!)
    expect(one).toBeGreaterThan(0)
    expect(one).toBeLessThanOrEqual(0.5)
    expect(ten).toBeGreaterThan(0.5)
    expect(ten).toBeLessThanOrEqual(1)
  })

  it('reads each point over three scrapes: a replica whose push missed a scrape does not drop to zero', () => {
    const pushed = (timeMs: number, count: number) => scrape(timeMs, [HTTP_HEADER, replica('draw64-replica-1', '1', '200', [count])].join('\n'))
    // Pushed at 0, 1 s (10 more), then not between 1 s and 2 s.
    const { timeline } = splitTimeline('requestRate', [pushed(0, 0), pushed(1000, 10), pushed(2000, 10)], 'replica')
    expect(timeline).toEqual({ times: [1000, 2000], values: [[10, 5]] })
  })

  it('reads each replica on its own: one that stops mid-rollout is no reset of its version’s line', () => {
    // Two v1 replicas; at 2 s replica 1 is gone (replaced by a v2 one), replica 2 goes on at 5 req/s.
    const pushed = (timeMs: number, lines: string[]) => scrape(timeMs, [HTTP_HEADER, ...lines].join('\n'))
    const scrapes = [
      pushed(0, [replica('draw64-replica-1', '1', '200', [100]), replica('draw64-replica-2', '1', '200', [200])]),
      pushed(1000, [replica('draw64-replica-1', '1', '200', [105]), replica('draw64-replica-2', '1', '200', [205])]),
      pushed(2000, [replica('draw64-replica-2', '1', '200', [210]), replica('draw64-replica-3', '2', '200', [6])]),
    ]
    const { series, timeline } = splitTimeline('requestRate', scrapes, 'version')
    expect(series.map((s) => s.label)).toEqual(['v1', 'v2'])
    // Over 0–2 s: replica 2's 10 (and replica 1's series, gone, adds nothing), and the new replica's 6 from 0.
    expect(timeline.values.map((v) => v.at(-1))).toEqual([5, 3])
  })

  it('has no line without replicas: a Draw64 alone', () => {
    const alone = [scrape(0, `${HTTP_HEADER}\n${httpSeries('PUT', '/api/images/:id', '200', [1])}`), scrape(1000, `${HTTP_HEADER}\n${httpSeries('PUT', '/api/images/:id', '200', [3])}`)]
    expect(splitTimeline('requestRate', alone, 'replica')).toEqual({ series: [], timeline: { times: [1000], values: [] } })
  })
})
