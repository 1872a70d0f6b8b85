// OTLP/HTTP JSON (the encoding of OTEL_EXPORTER_OTLP_PROTOCOL=http/json) turned into the
// buffers' JSON shapes (and metrics into the SDK's): how the spans and logs of other processes (HA replicas) join the
// ones the slides poll. Malformed input is rejected whole, before anything is stored.
import { ValueType } from '@opentelemetry/api'
import { AggregationTemporality, DataPointType, type MetricData, type ScopeMetrics } from '@opentelemetry/sdk-metrics'
import { z } from 'zod'
import type { ReplicaExport } from './replica-metrics.ts'
import type { TelemetryLogJson, TelemetrySpanJson } from './serialize.ts'

// OTLP AnyValue: one of these keys, possibly nested in arrays and key-value lists. Checked
// whole before plain() reads it (a browser's export is anyone's), and no deeper than
// MAX_VALUE_DEPTH: no sender of ours nests more, and each level is a frame of plain()'s stack.
type AnyValue = { [key: string]: unknown }
const MAX_VALUE_DEPTH = 8
const SCALARS: Record<string, (value: unknown) => boolean> = {
  stringValue: (value) => typeof value === 'string',
  boolValue: (value) => typeof value === 'boolean',
  intValue: (value) => (typeof value === 'string' && /^-?\d+$/.test(value)) || Number.isInteger(value),
  doubleValue: (value) => typeof value === 'number',
  bytesValue: (value) => typeof value === 'string',
}
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
/** `{values: [...]}` with each item passing `isItem`, `values` left out for none. */
const isListOf = (list: unknown, isItem: (item: unknown) => boolean) =>
  isObject(list) && (list.values === undefined || (Array.isArray(list.values) && list.values.every(isItem)))
function isAnyValue(value: unknown, depth = 1): value is AnyValue {
  if (!isObject(value) || depth > MAX_VALUE_DEPTH) return false
  const [kind, content] = Object.entries(value)[0] ?? []
  if (kind === undefined) return true // an empty value, as OTLP allows
  if (kind === 'arrayValue') return isListOf(content, (item) => isAnyValue(item, depth + 1))
  if (kind === 'kvlistValue') return isListOf(content, (item) => isObject(item) && typeof item.key === 'string' && isAnyValue(item.value, depth + 1))
  return SCALARS[kind]?.(content) ?? false
}
const anyValue = z.custom<AnyValue>((value) => isAnyValue(value), {
  error: `not an OTLP AnyValue (stringValue, boolValue, intValue, doubleValue, bytesValue, arrayValue or kvlistValue, nested at most ${MAX_VALUE_DEPTH} deep)`,
})
const keyValues = z.array(z.object({ key: z.string(), value: anyValue })).default([])
const resource = z.object({ attributes: keyValues }).default({ attributes: [] })
const nanos = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String)
const hexId = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`))

const otlpSpan = z.object({
  traceId: hexId(32),
  spanId: hexId(16),
  parentSpanId: z.union([hexId(16), z.literal('')]).default(''),
  name: z.string().max(200),
  kind: z.number().int().min(0).max(5).default(1),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: keyValues,
  status: z.object({ code: z.number().int().min(0).max(2).default(0), message: z.string().default('') }).default({ code: 0, message: '' }),
  events: z.array(z.object({ name: z.string(), timeUnixNano: nanos, attributes: keyValues })).default([]),
})

const tracesRequest = z.object({
  resourceSpans: z.array(z.object({ resource, scopeSpans: z.array(z.object({ spans: z.array(otlpSpan) })) })),
})

const logsRequest = z.object({
  resourceLogs: z.array(
    z.object({
      resource,
      scopeLogs: z.array(
        z.object({
          logRecords: z.array(
            z.object({
              timeUnixNano: nanos.optional(),
              observedTimeUnixNano: nanos.optional(),
              severityText: z.string().default(''),
              body: anyValue.optional(),
              traceId: z.union([hexId(32), z.literal('')]).default(''),
              spanId: z.union([hexId(16), z.literal('')]).default(''),
              attributes: keyValues,
            }),
          ),
        }),
      ),
    }),
  ),
})

function plain(value: AnyValue | undefined): unknown {
  if (!value) return ''
  if ('stringValue' in value) return value.stringValue
  if ('boolValue' in value) return value.boolValue
  if ('intValue' in value) return Number(value.intValue)
  if ('doubleValue' in value) return value.doubleValue
  if ('arrayValue' in value) return ((value.arrayValue as { values?: AnyValue[] }).values ?? []).map(plain)
  if ('kvlistValue' in value) return attributes((value.kvlistValue as { values?: { key: string; value: AnyValue }[] }).values ?? [])
  return ''
}

function attributes(list: KeyValues): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, plain(value)]))
}

/** The resource's service.name and service.version ('' when it has none). */
function serviceOf(resourceAttributes: KeyValues): { name: string; version: string } {
  const values = attributes(resourceAttributes)
  return { name: String(values['service.name'] ?? 'unknown_service'), version: String(values['service.version'] ?? '') }
}

// OTLP counts span kinds from 1 (INTERNAL); the OpenTelemetry API, and the slides, from 0.
const apiKind = (otlpKind: number) => Math.max(0, otlpKind - 1)

type KeyValues = { key: string; value: AnyValue }[]

/** Every item of an export request (resource → scopes → items), each with its resource's service, read once. */
function itemsWithService<Item, Out>(
  resources: readonly { resource: { attributes: KeyValues }; scopes: readonly (readonly Item[])[] }[],
  convert: (item: Item, service: { name: string; version: string }) => Out,
): Out[] {
  return resources.flatMap(({ resource, scopes }) => {
    const service = serviceOf(resource.attributes)
    return scopes.flatMap((items) => items.map((item) => convert(item, service)))
  })
}

export function spansFromOtlp(body: unknown): TelemetrySpanJson[] {
  const resources = tracesRequest.parse(body).resourceSpans.map(({ resource, scopeSpans }) => ({ resource, scopes: scopeSpans.map(({ spans }) => spans) }))
  return itemsWithService(resources, (span, service): TelemetrySpanJson => ({
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: apiKind(span.kind),
    serviceName: service.name,
    serviceVersion: service.version,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    attributes: attributes(span.attributes),
    status: span.status,
    events: span.events.map((event) => ({ name: event.name, timeUnixNano: event.timeUnixNano, attributes: attributes(event.attributes) })),
  }))
}

export function logsFromOtlp(body: unknown): TelemetryLogJson[] {
  const resources = logsRequest.parse(body).resourceLogs.map(({ resource, scopeLogs }) => ({ resource, scopes: scopeLogs.map(({ logRecords }) => logRecords) }))
  return itemsWithService(resources, (record, service): TelemetryLogJson => ({
    timeUnixNano: record.timeUnixNano ?? record.observedTimeUnixNano ?? '0',
    severityText: record.severityText,
    body: plain(record.body),
    traceId: record.traceId,
    spanId: record.spanId,
    attributes: { ...attributes(record.attributes), 'service.name': service.name },
  }))
}

// ---- metrics (HA replicas → the balancer's /metrics, demo/telemetry/replica-metrics.ts) ----

const count = z.union([z.string().regex(/^\d+$/), z.number().nonnegative()]).transform(Number)
const numberPoint = z.object({
  attributes: keyValues,
  startTimeUnixNano: nanos.default('0'),
  timeUnixNano: nanos,
  asDouble: z.union([z.number(), z.string()]).optional(),
  asInt: z.union([z.string().regex(/^-?\d+$/), z.number().int()]).optional(),
})
const histogramPoint = z.object({
  attributes: keyValues,
  startTimeUnixNano: nanos.default('0'),
  timeUnixNano: nanos,
  count,
  sum: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  bucketCounts: z.array(count).max(200).default([]),
  explicitBounds: z.array(z.number()).max(200).default([]),
})
const otlpMetric = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(1000).default(''),
  unit: z.string().max(50).default(''),
  sum: z.object({ dataPoints: z.array(numberPoint), isMonotonic: z.boolean().default(false) }).optional(),
  gauge: z.object({ dataPoints: z.array(numberPoint) }).optional(),
  histogram: z.object({ dataPoints: z.array(histogramPoint) }).optional(),
})
const metricsRequest = z.object({
  resourceMetrics: z.array(z.object({
    resource,
    scopeMetrics: z.array(z.object({
      scope: z.object({ name: z.string().default(''), version: z.string().optional() }).default({ name: '' }),
      metrics: z.array(otlpMetric),
    })),
  })),
})

const MAX_POINTS_PER_EXPORT = 20_000

function hrTime(nanosText: string): [number, number] {
  const value = BigInt(nanosText)
  return [Number(value / 1_000_000_000n), Number(value % 1_000_000_000n)]
}

/**
 * One replica's metrics as the SDK's own, each data point labelled with the replica's
 * service.name and service.version: the balancer's /metrics then has one series per replica.
 * Kinds Prometheus text cannot carry as-is (exponential histograms, summaries) are left out.
 */
export function metricsFromOtlp(body: unknown): ReplicaExport[] {
  const request = metricsRequest.parse(body)
  let points = 0
  return request.resourceMetrics.map(({ resource: { attributes: resourceAttributes }, scopeMetrics }) => {
    const resourceValues = attributes(resourceAttributes)
    const service = String(resourceValues['service.name'] ?? 'unknown_service')
    const replica = { 'service.name': service, 'service.version': String(resourceValues['service.version'] ?? '') }
    const point = (raw: { attributes: KeyValues; startTimeUnixNano: string; timeUnixNano: string }) => {
      if (++points > MAX_POINTS_PER_EXPORT) throw new RangeError(`more than ${MAX_POINTS_PER_EXPORT} data points in one export`)
      return { attributes: { ...attributes(raw.attributes), ...replica }, startTime: hrTime(raw.startTimeUnixNano), endTime: hrTime(raw.timeUnixNano) }
    }
    const numberValue = (raw: z.infer<typeof numberPoint>) => Number(raw.asDouble ?? raw.asInt ?? 0)
    return {
      service,
      scopeMetrics: scopeMetrics.map(({ scope, metrics }): ScopeMetrics => ({
        scope,
        metrics: metrics.flatMap((metric): MetricData[] => {
          const descriptor = { name: metric.name, description: metric.description, unit: metric.unit, valueType: ValueType.DOUBLE }
          const base = { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE }
          if (metric.sum) {
            const dataPoints = metric.sum.dataPoints.map((raw) => ({ ...point(raw), value: numberValue(raw) }))
            return [{ ...base, dataPointType: DataPointType.SUM, isMonotonic: metric.sum.isMonotonic, dataPoints }]
          }
          if (metric.gauge) {
            const dataPoints = metric.gauge.dataPoints.map((raw) => ({ ...point(raw), value: numberValue(raw) }))
            return [{ ...base, dataPointType: DataPointType.GAUGE, dataPoints }]
          }
          if (metric.histogram) {
            const dataPoints = metric.histogram.dataPoints.map((raw) => ({
              ...point(raw),
              value: { count: raw.count, sum: raw.sum, min: raw.min, max: raw.max, buckets: { boundaries: raw.explicitBounds, counts: raw.bucketCounts } },
            }))
            return [{ ...base, dataPointType: DataPointType.HISTOGRAM, dataPoints }]
          }
          return []
        }),
      })),
    }
  })
}
