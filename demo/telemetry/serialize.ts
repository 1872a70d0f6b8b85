// JSON shapes of the /api/telemetry endpoints (docs/contract.md). Times stay decimal strings of
// nanoseconds: they exceed 2^53, and the slides split them into exact parts (lib/span-tree.ts).
import type { HrTime } from '@opentelemetry/api'
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs'
import type { ReadableSpan } from '@opentelemetry/sdk-trace'
import type { TelemetryLog, TelemetrySpan } from '../../lib/wire.ts'

// The shapes are defined once, with the slides' reading of them, in lib/wire.ts.
export type TelemetrySpanJson = TelemetrySpan
export type TelemetryLogJson = TelemetryLog

const NANOS_PER_SECOND = 1_000_000_000n

function unixNano([seconds, nanos]: HrTime): bigint {
  return BigInt(seconds) * NANOS_PER_SECOND + BigInt(nanos)
}

type Resource = ReadableSpan['resource']

// Reading a resource's attributes rebuilds them (with a diag error) while any asynchronous
// attribute is pending, which the buffers never wait for: once per resource, not per span.
const services = new WeakMap<Resource, { name: string; version: string }>()

function serviceOf(resource: Resource): { name: string; version: string } {
  let service = services.get(resource)
  if (service === undefined) {
    const { attributes } = resource
    service = { name: String(attributes['service.name'] ?? 'unknown_service'), version: String(attributes['service.version'] ?? '') }
    services.set(resource, service)
  }
  return service
}

/** `startUnixNano` overrides the SDK's millisecond start; the end keeps the measured duration. */
export function serializeSpan(span: ReadableSpan, startUnixNano = unixNano(span.startTime)): TelemetrySpanJson {
  const context = span.spanContext()
  const service = serviceOf(span.resource)
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    name: span.name,
    kind: span.kind,
    serviceName: service.name,
    serviceVersion: service.version,
    startTimeUnixNano: startUnixNano.toString(),
    endTimeUnixNano: (startUnixNano + unixNano(span.duration)).toString(),
    attributes: span.attributes,
    status: { code: span.status.code, message: span.status.message ?? '' },
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: unixNano(event.time).toString(),
      attributes: event.attributes ?? {},
    })),
  }
}

export function serializeLogRecord(record: ReadableLogRecord): TelemetryLogJson {
  return {
    timeUnixNano: unixNano(record.hrTime).toString(),
    severityText: record.severityText ?? '',
    body: record.body ?? '',
    traceId: record.spanContext?.traceId ?? '',
    spanId: record.spanContext?.spanId ?? '',
    attributes: record.attributes,
  }
}
