// Spans sent by browsers (real user monitoring): the Draw64 page and the slides' board export
// them with OTLP/HTTP JSON. Anyone on the LAN can send them, so they are trusted for nothing:
// they all belong to the browser service whatever resource they claim, and their size is
// bounded so they cannot crowd the server's spans out of the buffer.
import { BROWSER_SERVICE_NAME } from '../domain/board.js'
import type { TelemetrySpanJson } from './serialize.ts'
import { spansFromOtlp } from './otlp-ingest.ts'

export const BROWSER_SPAN_LIMITS = {
  spansPerRequest: 256,
  attributesPerSpan: 32,
  eventsPerSpan: 32,
  stringLength: 256,
} as const

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

/** Throws (ZodError, or RangeError past the span limit) on anything that is not a valid export. */
export function browserSpansFromOtlp(body: unknown): TelemetrySpanJson[] {
  const spans = spansFromOtlp(body)
  if (spans.length > BROWSER_SPAN_LIMITS.spansPerRequest) {
    throw new RangeError(`at most ${BROWSER_SPAN_LIMITS.spansPerRequest} spans per export, got ${spans.length}`)
  }
  return spans.map((span) => ({
    ...span,
    serviceName: BROWSER_SERVICE_NAME,
    attributes: boundedAttributes(span.attributes),
    status: { code: span.status.code, message: (span.status.message ?? '').slice(0, BROWSER_SPAN_LIMITS.stringLength) },
    events: span.events.slice(0, BROWSER_SPAN_LIMITS.eventsPerSpan).map((event) => ({
      name: event.name.slice(0, BROWSER_SPAN_LIMITS.stringLength),
      timeUnixNano: event.timeUnixNano,
      attributes: boundedAttributes(event.attributes ?? {}),
    })),
  }))
}
