// Spans as /api/telemetry/spans serves them, for the unit tests of the span-tree modules.
import type { TelemetrySpan } from '../../lib/span-tree.ts'

/** An epoch in nanoseconds, past 2^53 like real timestamps. */
export const T0_NS = 1_732_170_000_000_000_000n

/** A finished span from `startMs` to `endMs` after T0_NS; `fields` override the rest. */
export function testSpan(traceId: string, spanId: string, name: string, startMs: number, endMs: number, fields: Partial<TelemetrySpan> = {}): TelemetrySpan {
  const nanos = (ms: number) => (T0_NS + BigInt(Math.round(ms * 1e6))).toString()
  return {
    traceId,
    spanId,
    parentSpanId: '',
    name,
    kind: 0,
    serviceName: 'draw64',
    serviceVersion: '',
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(endMs),
    attributes: {},
    status: { code: 0 },
    events: [],
    ...fields,
  }
}
