import { describe, expect, it } from 'vitest'
import { logsFromOtlp, spansFromOtlp } from '../../demo/telemetry/otlp-ingest.ts'

const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'draw64-replica-1' } }] }

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
  it('turns an OTLP/JSON export into the slides span shape, with the resource service name', () => {
    expect(spansFromOtlp(exportRequest)).toEqual([
      {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: 'eee19b7ec3c1b173',
        name: 'PUT /api/images/:id',
        kind: 1, // OTLP SERVER (2) is the API's SpanKind.SERVER (1)
        serviceName: 'draw64-replica-1',
        startTimeUnixNano: '1544712660000000000',
        endTimeUnixNano: '1544712661000000000',
        attributes: { 'http.route': '/api/images/:id', 'http.response.status_code': 500, ok: false, ratio: 0.5, tags: ['a', 2] },
        status: { code: 2, message: 'boom' },
        events: [{ name: 'exception', timeUnixNano: '1544712660500000000', attributes: { 'exception.message': 'boom' } }],
      },
    ])
  })

  it('rejects a request that is not an OTLP export, storing nothing', () => {
    expect(() => spansFromOtlp({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'not-hex' }] }] }] })).toThrow()
    expect(() => spansFromOtlp([])).toThrow()
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
