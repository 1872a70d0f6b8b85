// Spans sent by browsers (real user monitoring): the Draw64 page and the slides' board export
// them with OTLP/HTTP JSON. Anyone on the LAN can send them, so they are guests, trusted for
// nothing: they all belong to the browser service (no version) whatever resource they claim; they carry
// sane times, a name from the page's vocabulary, bounded attributes; and they join only a
// trace their own client started. They live in their own share of the buffer (buffers.ts).
import { BROWSER_SERVICE_NAME } from '../domain/board.js'
import { SANE_TIME_WINDOW, withinSaneWindow } from '../../lib/time-window.ts'
import type { TelemetrySpanJson } from './serialize.ts'
import { spansFromOtlp } from './otlp-ingest.ts'
import { traceOwner } from './trace-owners.ts'

export const BROWSER_SPAN_LIMITS = {
  spansPerRequest: 256,
  attributesPerSpan: 32,
  eventsPerSpan: 32,
  stringLength: 256,
} as const

/** The names the page's spans have: its stroke, and the fetch instrumentation's client spans. */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']
const BROWSER_SPAN_NAMES = new Set(['stroke', ...HTTP_METHODS, ...HTTP_METHODS.map((method) => `HTTP ${method}`)])
/** What a span with any other name is shown as: the screen shows no words an attendee chose. */
export const RENAMED_BROWSER_SPAN = 'browser span'

/** A browser export that breaks a rule no honest page breaks: answered 400, nothing stored. */
export class RefusedSpanError extends Error {
  override name = 'RefusedSpanError'
}

type Attributes = TelemetrySpanJson['attributes']

function boundedValue(value: unknown): Attributes[string] | undefined {
  if (typeof value === 'string') return value.slice(0, BROWSER_SPAN_LIMITS.stringLength)
  if (typeof value === 'number' || typeof value === 'boolean') return value
  return undefined // nested lists and maps: the server's own spans never carry them either
}

function boundedAttributes(attributes: Record<string, unknown>): Attributes {
  const kept: Attributes = {}
  for (const [key, value] of Object.entries(attributes).slice(0, BROWSER_SPAN_LIMITS.attributesPerSpan)) {
    const bounded = boundedValue(value)
    if (bounded !== undefined) kept[key.slice(0, BROWSER_SPAN_LIMITS.stringLength)] = bounded
  }
  return kept
}

const millis = (unixNano: string) => Number(BigInt(unixNano) / 1_000_000n)

function checkTimes(span: TelemetrySpanJson, nowMs: number): void {
  const [startMs, endMs] = [millis(span.startTimeUnixNano), millis(span.endTimeUnixNano)]
  if (!withinSaneWindow(startMs, nowMs) || !withinSaneWindow(endMs, nowMs) || endMs < startMs) {
    throw new RefusedSpanError(
      `span ${span.spanId}: its times must lie within ${SANE_TIME_WINDOW.pastMs / 60_000} min before and ${SANE_TIME_WINDOW.futureMs / 1000} s after the server's clock, end after start`,
    )
  }
}

function checkTrace(span: TelemetrySpanJson, clientId: string): void {
  const owner = traceOwner(span.traceId)
  if (owner !== undefined && owner !== clientId) {
    throw new RefusedSpanError(`span ${span.spanId}: trace ${span.traceId} was not started by this client`)
  }
}

/**
 * Throws ZodError (not OTLP), RangeError (past the span limit) or RefusedSpanError (a time
 * outside the window, a trace of someone else) on an export that cannot be stored whole.
 */
export function browserSpansFromOtlp(body: unknown, clientId: string, nowMs = Date.now()): TelemetrySpanJson[] {
  const spans = spansFromOtlp(body)
  if (spans.length > BROWSER_SPAN_LIMITS.spansPerRequest) {
    throw new RangeError(`at most ${BROWSER_SPAN_LIMITS.spansPerRequest} spans per export, got ${spans.length}`)
  }
  for (const span of spans) {
    checkTimes(span, nowMs)
    checkTrace(span, clientId)
  }
  return spans.map((span) => {
    const [startMs, endMs] = [millis(span.startTimeUnixNano), millis(span.endTimeUnixNano)]
    return {
      ...span,
      name: BROWSER_SPAN_NAMES.has(span.name) ? span.name : RENAMED_BROWSER_SPAN,
      serviceName: BROWSER_SERVICE_NAME,
      // Whatever version a page claims would be words an attendee chose.
      serviceVersion: '',
      attributes: boundedAttributes(span.attributes),
      status: { code: span.status.code, message: (span.status.message ?? '').slice(0, BROWSER_SPAN_LIMITS.stringLength) },
      events: span.events
        .filter((event) => millis(event.timeUnixNano) >= startMs && millis(event.timeUnixNano) <= endMs)
        .slice(0, BROWSER_SPAN_LIMITS.eventsPerSpan)
        .map((event) => ({
          name: event.name.slice(0, BROWSER_SPAN_LIMITS.stringLength),
          timeUnixNano: event.timeUnixNano,
          attributes: boundedAttributes(event.attributes ?? {}),
        })),
    }
  })
}
