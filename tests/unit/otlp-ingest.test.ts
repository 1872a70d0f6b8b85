import { describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import { DataPointType } from '@opentelemetry/sdk-metrics'
import { logsFromOtlp, metricsFromOtlp, spansFromOtlp } from '../../demo/telemetry/otlp-ingest.ts'

const resource = {
  attributes: [{ key: 'service.name', value: { stringValue: 'draw64-replica-1' } }, { key: 'service.version', value: { stringValue: '2' } }],
}

const exportRequest = {
  resourceSpans: [
    {
      resource,
      scopeSpans: [
        {
          scope: { name: 'draw64' },
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              parentSpanId: 'eee19b7ec3c1b173',
              name: 'PUT /api/images/:id',
              kind: 2,
              startTimeUnixNano: '1544712660000000000',
              endTimeUnixNano: '1544712661000000000',
              attributes: [
                { key: 'http.route', value: { stringValue: '/api/images/:id' } },
                { key: 'http.response.status_code', value: { intValue: '500' } },
                { key: 'ok', value: { boolValue: false } },
                { key: 'ratio', value: { doubleValue: 0.5 } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
              ],
              status: { code: 2, message: 'boom' },
              events: [{ name: 'exception', timeUnixNano: '1544712660500000000', attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }] }],
            },
          ],
        },
      ],
    },
  ],
}

describe('spansFromOtlp', () => {
  it('turns an OTLP/JSON export into the slides span shape, with the resource service name and version', () => {
    expect(spansFromOtlp(exportRequest)).toEqual([
      {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: 'eee19b7ec3c1b173',
        name: 'PUT /api/images/:id',
        kind: 1, // OTLP SERVER (2) is the API's SpanKind.SERVER (1)
        serviceName: 'draw64-replica-1',
        serviceVersion: '2',
        startTimeUnixNano: '1544712660000000000',
        endTimeUnixNano: '1544712661000000000',
        attributes: { 'http.route': '/api/images/:id', 'http.response.status_code': 500, ok: false, ratio: 0.5, tags: ['a', 2] },
        status: { code: 2, message: 'boom' },
        events: [{ name: 'exception', timeUnixNano: '1544712660500000000', attributes: { 'exception.message': 'boom' } }],
      },
    ])
  })

  it('gives an empty serviceVersion to the spans of a resource without service.version', () => {
    const unversioned = { resourceSpans: [{ ...exportRequest.resourceSpans[0], resource: { attributes: resource.attributes.slice(0, 1) } }] }
    expect(spansFromOtlp(unversioned).map((span) => [span.serviceName, span.serviceVersion])).toEqual([['draw64-replica-1', '']])
  })

  it('rejects a request that is not an OTLP export, storing nothing', () => {
    expect(() => spansFromOtlp({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'not-hex' }] }] }] })).toThrow()
    expect(() => spansFromOtlp([])).toThrow()
  })

  const withAttribute = (value: unknown) => {
    const span = exportRequest.resourceSpans[0]!.scopeSpans[0]!.spans[0]!
    return { resourceSpans: [{ resource, scopeSpans: [{ spans: [{ ...span, attributes: [{ key: 'sent', value }] }] }] }] }
  }
  const nested = (depth: number): unknown => (depth === 1 ? { stringValue: 'bottom' } : { arrayValue: { values: [nested(depth - 1)] } })

  it('rejects as malformed, not as a crash, attribute values of the wrong shape', () => {
    for (const value of [
      { arrayValue: null },
      { arrayValue: { values: 'abc' } },
      { kvlistValue: { values: [null] } },
      { kvlistValue: { values: [{ key: 1, value: { stringValue: 'a' } }] } },
      { stringValue: {} },
      { intValue: '1.5' },
      { boolValue: 'yes' },
      { anythingValue: 1 },
      null,
      [],
    ]) {
      expect(() => spansFromOtlp(withAttribute(value)), JSON.stringify(value)).toThrow(ZodError)
    }
  })

  it('reads values nested 8 deep, and rejects deeper ones without a stack overflow', () => {
    expect(spansFromOtlp(withAttribute(nested(8)))[0]!.attributes.sent).toEqual([[[[[[['bottom']]]]]]])
    expect(() => spansFromOtlp(withAttribute(nested(9)))).toThrow(ZodError)
    expect(() => spansFromOtlp(withAttribute(nested(5000)))).toThrow(ZodError)
  })

  it('reads an empty value, and one without values, as OTLP allows', () => {
    expect(spansFromOtlp(withAttribute({}))[0]!.attributes.sent).toBe('')
    expect(spansFromOtlp(withAttribute({ arrayValue: {} }))[0]!.attributes.sent).toEqual([])
  })
})

describe('logsFromOtlp', () => {
  it('keeps the body, level, trace context, and names the service in the attributes', () => {
    const logs = logsFromOtlp({
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1544712660300000000',
                  severityText: 'error',
                  body: { stringValue: 'PUT /api/images/talk failed' },
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  attributes: [{ key: 'imageId', value: { stringValue: 'talk' } }],
                },
              ],
            },
          ],
        },
      ],
    })
    expect(logs).toEqual([
      {
        timeUnixNano: '1544712660300000000',
        severityText: 'error',
        body: 'PUT /api/images/talk failed',
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        attributes: { imageId: 'talk', 'service.name': 'draw64-replica-1' },
      },
    ])
  })
})

describe('metricsFromOtlp', () => {
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'draw64-replica-2' } }, { key: 'service.version', value: { stringValue: '2' } }] }
  const point = { attributes: [{ key: 'http.route', value: { stringValue: '/api/images/:id' } }], startTimeUnixNano: '1732170000000000000', timeUnixNano: '1732170001500000000' }
  const exportOf = (metrics: unknown[]) => ({ resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'draw64' }, metrics }] }] })

  it('labels every data point with the replica’s service name and version, keeping sums, gauges and histograms', () => {
    const [replica] = metricsFromOtlp(exportOf([
      { name: 'draw64.pixels.drawn', unit: '{pixel}', sum: { dataPoints: [{ ...point, asInt: '42' }], isMonotonic: true, aggregationTemporality: 2 } },
      { name: 'draw64.sse.clients', gauge: { dataPoints: [{ ...point, asDouble: 3 }] } },
      { name: 'http.server.request.duration', unit: 's', histogram: { dataPoints: [{ ...point, count: '3', sum: 0.01, bucketCounts: ['1', '2', '0'], explicitBounds: [0.001, 0.005] }] } },
      { name: 'some.exponential', exponentialHistogram: { dataPoints: [] } },
    ]))
    expect(replica!.service).toBe('draw64-replica-2')
    const metrics = replica!.scopeMetrics[0]!.metrics
    expect(metrics.map((metric) => [metric.descriptor.name, metric.dataPointType])).toEqual([
      ['draw64.pixels.drawn', DataPointType.SUM], ['draw64.sse.clients', DataPointType.GAUGE], ['http.server.request.duration', DataPointType.HISTOGRAM],
    ])
    expect(metrics[0]!.dataPoints[0]).toMatchObject({
      value: 42, endTime: [1732170001, 500_000_000],
      attributes: { 'http.route': '/api/images/:id', 'service.name': 'draw64-replica-2', 'service.version': '2' },
    })
    expect(metrics[2]!.dataPoints[0]!.value).toEqual({ count: 3, sum: 0.01, min: undefined, max: undefined, buckets: { boundaries: [0.001, 0.005], counts: [1, 2, 0] } })
  })

  it('rejects a malformed export whole', () => {
    expect(() => metricsFromOtlp(exportOf([{ name: 'x', sum: { dataPoints: [{ ...point, timeUnixNano: 'soon' }] } }]))).toThrow()
    expect(() => metricsFromOtlp({ resourceMetrics: 'all of them' })).toThrow()
  })
})
