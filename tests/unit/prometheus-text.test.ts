import { describe, it, expect } from 'vitest'
import { findFamily, histogramBuckets, parsePrometheusText, sumSamples } from '../../lib/prometheus-text.ts'
import { histogramQuantile } from '../../lib/metric-math.ts'

// Real output of @opentelemetry/exporter-prometheus 0.223.0 (PrometheusSerializer): five PUTs answered
// 200 in 3, 4, 12, 30 and 200 ms, one PUT answered 400 in 1 ms, 1234 pixels drawn, 3 SSE clients.
// Note the histogram is named without a unit suffix (the unit goes to `# UNIT`) and the counter gets `_total`.
const EXPORTER_OUTPUT = `# HELP target_info Target metadata
# TYPE target_info gauge
target_info{service_name="draw64",service_version="1.0.0",service_instance_id="b5c1e2f0",telemetry_sdk_language="nodejs"} 1
# HELP http_server_request_duration Duration of HTTP server requests.
# UNIT http_server_request_duration s
# TYPE http_server_request_duration histogram
http_server_request_duration_count{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0"} 5
http_server_request_duration_sum{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0"} 0.249
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.005"} 2
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.01"} 2
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.025"} 3
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.05"} 4
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.075"} 4
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.1"} 4
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.25"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.5"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.75"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="1"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="2.5"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="5"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="7.5"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="10"} 5
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="200",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="+Inf"} 5
http_server_request_duration_count{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0"} 1
http_server_request_duration_sum{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0"} 0.001
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.005"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.01"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.025"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.05"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.075"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.1"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.25"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.5"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="0.75"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="1"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="2.5"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="5"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="7.5"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="10"} 1
http_server_request_duration_bucket{http_request_method="PUT",http_route="/api/images/:id",http_response_status_code="400",url_scheme="http",network_protocol_version="1.1",otel_scope_name="@opentelemetry/instrumentation-http",otel_scope_version="0.223.0",le="+Inf"} 1
# HELP draw64_pixels_drawn_total Pixels drawn
# TYPE draw64_pixels_drawn_total counter
draw64_pixels_drawn_total{draw64_image_id="otter-042",otel_scope_name="draw64",otel_scope_version="1.0.0"} 1234
# HELP draw64_sse_clients Connected SSE clients
# TYPE draw64_sse_clients gauge
draw64_sse_clients{otel_scope_name="draw64",otel_scope_version="1.0.0"} 3
`

const STATUS_200 = (labels: Record<string, string>) => labels.http_response_status_code === '200'

describe('parsePrometheusText on exporter output', () => {
  const families = parsePrometheusText(EXPORTER_OUTPUT)

  it('returns one family per TYPE line, in order, with its type and help', () => {
    expect(families.map(({ name, type, help }) => ({ name, type, help }))).toEqual([
      { name: 'target_info', type: 'gauge', help: 'Target metadata' },
      { name: 'http_server_request_duration', type: 'histogram', help: 'Duration of HTTP server requests.' },
      { name: 'draw64_pixels_drawn_total', type: 'counter', help: 'Pixels drawn' },
      { name: 'draw64_sse_clients', type: 'gauge', help: 'Connected SSE clients' },
    ])
  })

  it('reads the resource attributes of target_info as labels', () => {
    expect(findFamily(families, 'target_info')?.samples).toMatchObject([
      {
        name: 'target_info',
        labels: {
          service_name: 'draw64',
          service_version: '1.0.0',
          service_instance_id: 'b5c1e2f0',
          telemetry_sdk_language: 'nodejs',
        },
        value: 1,
      },
    ])
  })

  it('attaches _count, _sum and _bucket samples to their histogram family', () => {
    const histogram = findFamily(families, 'http_server_request_duration')!
    // 2 series × (count + sum + 15 buckets)
    expect(histogram.samples).toHaveLength(34)
    expect(histogram.samples[0]).toMatchObject({
      name: 'http_server_request_duration_count',
      labels: {
        http_request_method: 'PUT',
        http_route: '/api/images/:id',
        http_response_status_code: '200',
        url_scheme: 'http',
        network_protocol_version: '1.1',
        otel_scope_name: '@opentelemetry/instrumentation-http',
        otel_scope_version: '0.223.0',
      },
      value: 5,
    })
    expect(findFamily(families, 'http_server_request_duration_bucket')).toBeUndefined()
  })

  it('sums the requests of every series, or of the series a filter keeps', () => {
    const histogram = findFamily(families, 'http_server_request_duration')
    expect(sumSamples(histogram, undefined, 'http_server_request_duration_count')).toBe(6)
    expect(sumSamples(histogram, STATUS_200, 'http_server_request_duration_count')).toBe(5)
    const clientError = (labels: Record<string, string>) => labels.http_response_status_code?.startsWith('4') ?? false
    expect(sumSamples(histogram, clientError, 'http_server_request_duration_count')).toBe(1)
    // 0.003 + 0.004 + 0.012 + 0.03 + 0.2 + 0.001
    expect(sumSamples(histogram, undefined, 'http_server_request_duration_sum')).toBeCloseTo(0.25, 12)
  })

  it('reads a counter and a gauge by their family name', () => {
    expect(sumSamples(findFamily(families, 'draw64_pixels_drawn_total'))).toBe(1234)
    expect(sumSamples(findFamily(families, 'draw64_sse_clients'))).toBe(3)
  })

  it('returns the cumulative buckets of the series a filter keeps, sorted by le', () => {
    const histogram = findFamily(families, 'http_server_request_duration')
    expect(histogramBuckets(histogram, STATUS_200)).toEqual([
      { le: 0.005, count: 2 },
      { le: 0.01, count: 2 },
      { le: 0.025, count: 3 },
      { le: 0.05, count: 4 },
      { le: 0.075, count: 4 },
      { le: 0.1, count: 4 },
      { le: 0.25, count: 5 },
      { le: 0.5, count: 5 },
      { le: 0.75, count: 5 },
      { le: 1, count: 5 },
      { le: 2.5, count: 5 },
      { le: 5, count: 5 },
      { le: 7.5, count: 5 },
      { le: 10, count: 5 },
      { le: Infinity, count: 5 },
    ])
  })

  it('adds up the buckets of all series when no filter is given', () => {
    const buckets = histogramBuckets(findFamily(families, 'http_server_request_duration'))
    // the 400 series adds 1 to every bucket
    expect(buckets.map((bucket) => bucket.count)).toEqual([3, 3, 4, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6])
  })

  it('feeds histogramQuantile with the p50 and p95 a dashboard would show', () => {
    const buckets = histogramBuckets(findFamily(families, 'http_server_request_duration'))
    // p50: rank 3 → first bucket [0, 0.005] holds 3: 0.005 × 3/3 = 0.005
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.005, 12)
    // p95: rank 5.7 → ]0.1, 0.25] holds 6 − 5 = 1, 0.7 needed: 0.1 + 0.15 × 0.7 = 0.205
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.205, 12)
  })
})

describe('parsePrometheusText', () => {
  it('unescapes backslashes and newlines in HELP', () => {
    const [family] = parsePrometheusText('# HELP m A \\\\ backslash, a \\n newline and \\t kept\n# TYPE m gauge\nm 1\n')
    expect(family!.help).toBe('A \\ backslash, a \n newline and \\t kept')
  })

  it('unescapes quotes, backslashes and newlines in label values', () => {
    const [family] = parsePrometheusText('m{path="C:\\\\data",quote="say \\"hi\\"",text="a\\nb",comma="x,y}"} 1\n')
    expect(family!.samples[0]!.labels).toEqual({ path: 'C:\\data', quote: 'say "hi"', text: 'a\nb', comma: 'x,y}' })
  })

  it('reads NaN, +Inf, -Inf and scientific notation', () => {
    const text = ['a NaN', 'b +Inf', 'c -Inf', 'd 1.5e-3', 'e -2E+2', 'f .5', 'g 42'].join('\n')
    const values = parsePrometheusText(text).map((family) => family.samples[0]!.value)
    expect(values).toEqual([Number.NaN, Infinity, -Infinity, 0.0015, -200, 0.5, 42])
  })

  it('accepts an optional timestamp after the value', () => {
    const [family] = parsePrometheusText('m{a="1"} 7 1732170000000\n')
    expect(family!.samples).toEqual([{ name: 'm', labels: { a: '1' }, value: 7, valueText: '7', raw: 'm{a="1"} 7 1732170000000' }])
  })

  it('accepts blanks around labels and a trailing comma', () => {
    const [family] = parsePrometheusText('m { a = "1" , b="2", } \t 3\n')
    expect(family!.samples).toMatchObject([{ name: 'm', labels: { a: '1', b: '2' }, value: 3 }])
  })

  it('ignores blank lines, other comments and CRLF line ends, and keeps the UNIT line', () => {
    const text = '\r\n# a comment\r\n# UNIT m s\r\n\r\n# TYPE m gauge\r\nm 2\r\n\r\n# EOF\r\n'
    expect(parsePrometheusText(text)).toEqual([
      {
        name: 'm', type: 'gauge', help: '', unit: 's',
        descriptors: [{ keyword: 'UNIT', text: 's' }, { keyword: 'TYPE', text: 'gauge' }],
        samples: [{ name: 'm', labels: {}, value: 2, valueText: '2', raw: 'm 2' }],
      },
    ])
  })

  it('keeps each family’s HELP, UNIT and TYPE lines in order, and each sample as written', () => {
    const text = '# HELP d Duration\n# UNIT d seconds\n# TYPE d gauge\nd{a="x"}  1.5e-05\n'
    const [family] = parsePrometheusText(text)
    expect(family!.descriptors.map((line) => `${line.keyword} ${line.text}`)).toEqual(['HELP Duration', 'UNIT seconds', 'TYPE gauge'])
    expect(family!.samples[0]).toMatchObject({ value: 0.000015, valueText: '1.5e-05', raw: 'd{a="x"}  1.5e-05' })
  })

  it('attaches _total and _created to an OpenMetrics-style counter named without _total', () => {
    const text = '# TYPE requests counter\nrequests_total{code="200"} 5\nrequests_created{code="200"} 1.7e9\n'
    const families = parsePrometheusText(text)
    expect(families.map((family) => family.name)).toEqual(['requests'])
    expect(families[0]!.samples.map((sample) => sample.name)).toEqual(['requests_total', 'requests_created'])
    // the default reading of a counter is its _total, not its _created timestamp
    expect(sumSamples(families[0])).toBe(5)
  })

  it('attaches quantile, _sum and _count samples to a summary', () => {
    const text = [
      '# TYPE rpc_seconds summary',
      'rpc_seconds{quantile="0.5"} 0.01',
      'rpc_seconds{quantile="0.99"} 0.2',
      'rpc_seconds_sum 8.5',
      'rpc_seconds_count 300',
    ].join('\n')
    const [family] = parsePrometheusText(text)
    expect(family!.type).toBe('summary')
    expect(family!.samples.map((sample) => sample.name)).toEqual([
      'rpc_seconds',
      'rpc_seconds',
      'rpc_seconds_sum',
      'rpc_seconds_count',
    ])
    expect(sumSamples(family, (labels) => labels.quantile === '0.99')).toBe(0.2)
  })

  it('does not attach histogram suffixes to a gauge', () => {
    const families = parsePrometheusText('# TYPE g gauge\ng 1\ng_bucket{le="1"} 2\n')
    expect(families.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: 'g', type: 'gauge' },
      { name: 'g_bucket', type: 'untyped' },
    ])
  })

  it('puts samples without a TYPE line in an untyped family of their own name', () => {
    expect(parsePrometheusText('# HELP orphan Has help only\norphan 4\nloner 5\n')).toMatchObject([
      { name: 'orphan', type: 'untyped', help: 'Has help only', samples: [{ name: 'orphan', labels: {}, value: 4 }] },
      { name: 'loner', type: 'untyped', help: '', samples: [{ name: 'loner', labels: {}, value: 5 }] },
    ])
  })

  it('ignores a TYPE line with an unknown type', () => {
    expect(parsePrometheusText('# TYPE m stateset\nm 1\n')[0]!.type).toBe('untyped')
  })

  it('skips malformed lines and keeps the valid ones around them', () => {
    const text = [
      '# TYPE m gauge',
      'm{a="x" 1',
      'm{a=x} 1',
      'm{a="x",a="y"} 1',
      'm{a="bad \\q escape"} 1',
      'm{a="unterminated} 1',
      'm{1a="x"} 1',
      '{a="x"} 1',
      'm abc',
      'm 0x10',
      'm',
      'm 1 2 3',
      'm 1 soon',
      'm{a="ok"} 9',
    ].join('\n')
    const [family] = parsePrometheusText(text)
    expect(family!.samples).toMatchObject([{ name: 'm', labels: { a: 'ok' }, value: 9 }])
  })

  it('never throws on garbage', () => {
    const garbage = '\u0000{}}"\\\n#\n# HELP\n# TYPE x\n===\n\\"\nm{\nm{a="\\\nm{a="x"\nm{a\n' + '{'.repeat(1000)
    expect(parsePrometheusText(garbage)).toEqual([])
  })

  it('returns no family for empty text', () => {
    expect(parsePrometheusText('')).toEqual([])
  })
})

describe('lookups', () => {
  const families = parsePrometheusText('# TYPE up gauge\nup{job="a"} 1\nup{job="b"} 0\n')

  it('finds a family by name, or nothing', () => {
    expect(findFamily(families, 'up')?.samples).toHaveLength(2)
    expect(findFamily(families, 'down')).toBeUndefined()
  })

  it('sums a missing family to 0 and gives it no buckets', () => {
    expect(sumSamples(undefined)).toBe(0)
    expect(histogramBuckets(undefined)).toEqual([])
  })

  it('sums only the samples the filter keeps', () => {
    expect(sumSamples(findFamily(families, 'up'), (labels) => labels.job === 'a')).toBe(1)
    expect(sumSamples(findFamily(families, 'up'), (labels) => labels.job === 'zzz')).toBe(0)
  })

  it('sorts buckets by le whatever their order in the text and skips an unreadable le', () => {
    const text = [
      '# TYPE h histogram',
      'h_bucket{le="+Inf"} 4',
      'h_bucket{le="1e-1"} 1',
      'h_bucket{le="oops"} 7',
      'h_bucket{le="1"} 3',
      'h_bucket 9',
    ].join('\n')
    expect(histogramBuckets(parsePrometheusText(text)[0])).toEqual([
      { le: 0.1, count: 1 },
      { le: 1, count: 3 },
      { le: Infinity, count: 4 },
    ])
  })
})
