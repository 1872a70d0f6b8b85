// Turns the flat spans of /api/telemetry/spans into trace summaries and a waterfall.

import type { TelemetrySpan } from './wire.ts'

export type { AttributeValue, SpanEvent, TelemetrySpan } from './wire.ts'

export interface TraceSummary {
  traceId: string
  rootName: string
  serviceNames: string[]
  startMs: number
  durationMs: number
  spanCount: number
  hasError: boolean
  /**
   * The root shown has a parent that is not here: a client that propagates `traceparent` but
   * exports nothing (or not yet). The trace is listed at once all the same, marked.
   */
  parentMissing: boolean
  /** The trace's spans, earliest first. */
  spans: TelemetrySpan[]
}

export interface WaterfallRow {
  span: TelemetrySpan
  depth: number
  offsetPct: number
  widthPct: number
  durationMs: number
  isError: boolean
}

const STATUS_ERROR = 2
// Width given to a zero-duration span so it stays visible.
const MIN_BAR_WIDTH_PCT = 0.5

/** Epoch milliseconds, precise to the microsecond. */
export function nanosToMs(nanos: string): number {
  return parseNanos(nanos).micros / 1000
}

/** Milliseconds from one nanosecond timestamp to another, subtracted exactly. */
export function elapsedMs(startNanos: string, endNanos: string): number {
  return nanosBetween(parseNanos(startNanos), parseNanos(endNanos)) / 1e6
}

/** End of a span in epoch milliseconds, as nanosToMs reads it, parsed once per span. */
export function spanEndMs(span: TelemetrySpan): number {
  return timesOf(span).end.micros / 1000
}

/** End of the latest span, in epoch milliseconds. */
export function latestEndMs(spans: readonly TelemetrySpan[]): number | undefined {
  let latest: number | undefined
  for (const span of spans) {
    const endMs = spanEndMs(span)
    if (latest === undefined || endMs > latest) latest = endMs
  }
  return latest
}

/** Whether a span can be placed on a time axis: one with a malformed time would stretch its trace to 1970. */
export function hasValidTimes(span: TelemetrySpan): boolean {
  return DIGITS.test(span.startTimeUnixNano) && DIGITS.test(span.endTimeUnixNano)
}

/** Orders trace summaries newest first, by start, then by trace id. */
export function newestFirst(a: TraceSummary, b: TraceSummary): number {
  return b.startMs - a.startMs || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0)
}

/** The spans of one trace in tree order, placed on a time axis from its first start to its last end. */
export function layoutWaterfall(spans: readonly TelemetrySpan[]): WaterfallRow[] {
  if (spans.length === 0) return []
  const { start, end } = timeBounds(spans)
  const totalNs = nanosBetween(start, end)
  const ids = new Set(spans.map((span) => span.spanId))
  const children = new Map<string, TelemetrySpan[]>()
  for (const span of byStart(spans)) {
    if (!hasParentIn(span, ids)) continue
    const siblings = children.get(span.parentSpanId!)
    if (siblings) siblings.push(span)
    else children.set(span.parentSpanId!, [span])
  }

  const rows: WaterfallRow[] = []
  const visited = new Set<TelemetrySpan>()
  // Roots and orphans first; then anything a malformed parent cycle kept out of reach.
  const starts = [...byStart(spans.filter((span) => !hasParentIn(span, ids))), ...byStart(spans)]
  for (const root of starts) {
    const stack: Array<{ span: TelemetrySpan; depth: number }> = [{ span: root, depth: 0 }]
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!
      if (visited.has(span)) continue
      visited.add(span)
      rows.push(placeRow(span, depth, start, totalNs))
      const kids = children.get(span.spanId) ?? []
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 })
    }
  }
  return rows
}

/** The summary of one trace from all its spans, in any order. */
export function summarizeTrace(traceId: string, spans: readonly TelemetrySpan[]): TraceSummary {
  const sorted = byStart(spans)
  const ids = new Set(sorted.map((span) => span.spanId))
  // No true root yet (remote parent, or the root is still running): the earliest orphan stands in.
  const root = sorted.find((span) => !span.parentSpanId) ?? sorted.find((span) => !hasParentIn(span, ids)) ?? sorted[0]!
  const { start, end } = timeBounds(sorted)
  return {
    traceId,
    rootName: root.name,
    serviceNames: [...new Set(sorted.map((span) => span.serviceName))],
    startMs: start.micros / 1000,
    durationMs: nanosBetween(start, end) / 1e6,
    spanCount: sorted.length,
    hasError: sorted.some((span) => span.status.code === STATUS_ERROR),
    parentMissing: !!root.parentSpanId && !ids.has(root.parentSpanId),
    spans: sorted,
  }
}

function placeRow(span: TelemetrySpan, depth: number, traceStart: Nanos, totalNs: number): WaterfallRow {
  const { start, end } = timesOf(span)
  const durationMs = Math.max(0, nanosBetween(start, end) / 1e6)
  const exactWidth = totalNs > 0 ? ((durationMs * 1e6) / totalNs) * 100 : 0
  const widthPct = Math.min(100, Math.max(MIN_BAR_WIDTH_PCT, exactWidth))
  const offset = totalNs > 0 ? (nanosBetween(traceStart, start) / totalNs) * 100 : 0
  return {
    span,
    depth,
    // Keeps a minimum-width bar at the very end of the axis inside the box.
    offsetPct: Math.min(offset, 100 - widthPct),
    widthPct,
    durationMs,
    isError: span.status.code === STATUS_ERROR,
  }
}

function timeBounds(spans: readonly TelemetrySpan[]): { start: Nanos; end: Nanos } {
  let { start, end } = timesOf(spans[0]!)
  for (const span of spans) {
    const times = timesOf(span)
    if (compareNanos(times.start, start) < 0) start = times.start
    if (compareNanos(times.end, end) > 0) end = times.end
  }
  return { start, end: compareNanos(end, start) > 0 ? end : start }
}

function byStart(spans: readonly TelemetrySpan[]): TelemetrySpan[] {
  return spans
    .map((span) => ({ span, start: timesOf(span).start }))
    .sort((a, b) => compareNanos(a.start, b.start))
    .map(({ span }) => span)
}

function hasParentIn(span: TelemetrySpan, ids: Set<string>): boolean {
  return !!span.parentSpanId && ids.has(span.parentSpanId)
}

/**
 * A nanosecond timestamp as two exact doubles: whole microseconds since the epoch (about 2^51
 * today, below 2^53) and the nanoseconds past them. BigInt would be exact too, but allocates at
 * every step, and the slides do this arithmetic for thousands of spans at every poll.
 */
interface Nanos {
  micros: number
  nanos: number
}

const ZERO: Nanos = { micros: 0, nanos: 0 }
const DIGITS = /^\d+$/

// A malformed timestamp becomes 0 rather than throwing: a slide never shows an exception.
function parseNanos(text: string): Nanos {
  if (!DIGITS.test(text)) return ZERO
  const split = text.length - 3
  return split > 0 ? { micros: Number(text.slice(0, split)), nanos: Number(text.slice(split)) } : { micros: 0, nanos: Number(text) }
}

/** b − a in nanoseconds, exact while under 2^53 ns (104 days). */
function nanosBetween(a: Nanos, b: Nanos): number {
  return (b.micros - a.micros) * 1000 + (b.nanos - a.nanos)
}

function compareNanos(a: Nanos, b: Nanos): number {
  return a.micros - b.micros || a.nanos - b.nanos
}

// Spans never change once received: their times are parsed once, whatever reads them how often.
const parsedTimes = new WeakMap<TelemetrySpan, { start: Nanos; end: Nanos }>()

function timesOf(span: TelemetrySpan): { start: Nanos; end: Nanos } {
  let times = parsedTimes.get(span)
  if (!times) {
    times = { start: parseNanos(span.startTimeUnixNano), end: parseNanos(span.endTimeUnixNano) }
    parsedTimes.set(span, times)
  }
  return times
}
