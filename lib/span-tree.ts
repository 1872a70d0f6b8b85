// Turns the flat spans of /api/telemetry/spans into trace summaries and a waterfall.

export type AttributeValue = string | number | boolean | Array<string | number | boolean | null>

export interface SpanEvent {
  name: string
  timeUnixNano: string
  attributes?: Record<string, AttributeValue>
}

/** A finished span as the demo serves it; nanosecond times are decimal strings (they exceed 2^53). */
export interface TelemetrySpan {
  traceId: string
  spanId: string
  /** Empty or absent for a root span. */
  parentSpanId?: string | undefined
  name: string
  /** OTel SpanKind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: number
  serviceName: string
  startTimeUnixNano: string
  endTimeUnixNano: string
  attributes: Record<string, AttributeValue>
  /** OTel SpanStatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string }
  events: SpanEvent[]
}

export interface TraceSummary {
  traceId: string
  rootName: string
  serviceNames: string[]
  startMs: number
  durationMs: number
  spanCount: number
  hasError: boolean
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
  return Number(toBigInt(nanos) / 1000n) / 1000
}

/** Milliseconds from one nanosecond timestamp to another, subtracted exactly. */
export function elapsedMs(startNanos: string, endNanos: string): number {
  return Number(toBigInt(endNanos) - toBigInt(startNanos)) / 1e6
}

/** One summary per trace, newest first. */
export function groupTraces(spans: readonly TelemetrySpan[]): TraceSummary[] {
  const byTrace = new Map<string, TelemetrySpan[]>()
  for (const span of spans) {
    const trace = byTrace.get(span.traceId)
    if (trace) trace.push(span)
    else byTrace.set(span.traceId, [span])
  }
  return [...byTrace]
    .map(([traceId, traceSpans]) => summarize(traceId, traceSpans))
    .sort((a, b) => b.startMs - a.startMs)
}

/** The spans of one trace in tree order, placed on a time axis from its first start to its last end. */
export function layoutWaterfall(spans: readonly TelemetrySpan[]): WaterfallRow[] {
  if (spans.length === 0) return []
  const { start, end } = timeBounds(spans)
  const totalNs = end - start
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

/** The polled spans appended to those already held, without duplicates, keeping the `capacity` latest. */
export function mergeSpans(
  existing: readonly TelemetrySpan[],
  incoming: readonly TelemetrySpan[],
  capacity: number,
): TelemetrySpan[] {
  const seen = new Set(existing.map((span) => span.spanId))
  const merged = [...existing]
  for (const span of incoming) {
    if (seen.has(span.spanId)) continue
    seen.add(span.spanId)
    merged.push(span)
  }
  return capacity > 0 ? merged.slice(-capacity) : []
}

function summarize(traceId: string, spans: TelemetrySpan[]): TraceSummary {
  const sorted = byStart(spans)
  const ids = new Set(sorted.map((span) => span.spanId))
  // No true root yet (remote parent, or the root is still running): the earliest orphan stands in.
  const root = sorted.find((span) => !span.parentSpanId) ?? sorted.find((span) => !hasParentIn(span, ids)) ?? sorted[0]!
  const { start, end } = timeBounds(sorted)
  return {
    traceId,
    rootName: root.name,
    serviceNames: [...new Set(sorted.map((span) => span.serviceName))],
    startMs: nanosToMs(start.toString()),
    durationMs: Number(end - start) / 1e6,
    spanCount: sorted.length,
    hasError: sorted.some((span) => span.status.code === STATUS_ERROR),
    spans: sorted,
  }
}

function placeRow(span: TelemetrySpan, depth: number, traceStart: bigint, totalNs: bigint): WaterfallRow {
  const durationMs = Math.max(0, elapsedMs(span.startTimeUnixNano, span.endTimeUnixNano))
  const total = Number(totalNs)
  const exactWidth = total > 0 ? ((durationMs * 1e6) / total) * 100 : 0
  const widthPct = Math.min(100, Math.max(MIN_BAR_WIDTH_PCT, exactWidth))
  const offset = total > 0 ? (Number(toBigInt(span.startTimeUnixNano) - traceStart) / total) * 100 : 0
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

function timeBounds(spans: readonly TelemetrySpan[]): { start: bigint; end: bigint } {
  let start = toBigInt(spans[0]!.startTimeUnixNano)
  let end = toBigInt(spans[0]!.endTimeUnixNano)
  for (const span of spans) {
    const spanStart = toBigInt(span.startTimeUnixNano)
    const spanEnd = toBigInt(span.endTimeUnixNano)
    if (spanStart < start) start = spanStart
    if (spanEnd > end) end = spanEnd
  }
  return { start, end: end > start ? end : start }
}

function byStart(spans: readonly TelemetrySpan[]): TelemetrySpan[] {
  return [...spans].sort((a, b) => compareBigInt(toBigInt(a.startTimeUnixNano), toBigInt(b.startTimeUnixNano)))
}

function hasParentIn(span: TelemetrySpan, ids: Set<string>): boolean {
  return !!span.parentSpanId && ids.has(span.parentSpanId)
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// A malformed timestamp becomes 0 rather than throwing: a slide never shows an exception.
function toBigInt(nanos: string): bigint {
  return /^\d+$/.test(nanos) ? BigInt(nanos) : 0n
}
