// The slides' window of recent spans, as the span feed keeps it from poll to poll. Each poll
// makes a new window that says what it added and what it evicted, once, so that what reads it
// (TraceIndex, the service map) follows the changes instead of searching arrays for them.
import { latestEndMs, type TelemetrySpan } from './span-tree.ts'

export interface SpanWindow {
  /** The spans held, oldest first, at most the feed's capacity. */
  readonly spans: readonly TelemetrySpan[]
  /** The spans this poll brought in, as they appear at the end of `spans`. */
  readonly added: readonly TelemetrySpan[]
  /** The oldest spans this poll pushed out of the previous window. */
  readonly evicted: readonly TelemetrySpan[]
  /** Identifies this window; `after` is the window it moved on from, undefined for a fresh one. */
  readonly serial: number
  readonly after: number | undefined
  /**
   * Spans that ended before this were maybe evicted since the window started: counts and rates
   * start here. Undefined while nothing was evicted.
   */
  readonly completeSinceMs: number | undefined
}

let serials = 0

/** A window of its own, unrelated to any before it: the first poll, or a recording. */
export function freshWindow(spans: readonly TelemetrySpan[], capacity: number): SpanWindow {
  return advanceWindow(undefined, spans, capacity)
}

/** The polled spans appended to the window, without duplicates, keeping the `capacity` latest. */
export function advanceWindow(previous: SpanWindow | undefined, incoming: readonly TelemetrySpan[], capacity: number): SpanWindow {
  const existing = previous?.spans ?? []
  const seen = new Set(existing.map((span) => span.spanId))
  const fresh: TelemetrySpan[] = []
  for (const span of incoming) {
    if (seen.has(span.spanId)) continue
    seen.add(span.spanId)
    fresh.push(span)
  }
  const overflow = Math.max(0, existing.length + fresh.length - Math.max(0, capacity))
  const evicted = existing.slice(0, Math.min(overflow, existing.length))
  const added = fresh.slice(Math.max(0, overflow - existing.length))
  const evictedUntil = latestEndMs(evicted)
  const since = previous?.completeSinceMs
  return {
    spans: [...existing.slice(evicted.length), ...added],
    added,
    evicted,
    serial: ++serials,
    after: previous?.serial,
    completeSinceMs: evictedUntil === undefined ? since : Math.max(evictedUntil, since ?? evictedUntil),
  }
}

/** Whether `window` moved on directly from `previous`, so that its delta applies to it. */
export function follows(window: SpanWindow, previous: SpanWindow | undefined): boolean {
  return previous !== undefined && window.after === previous.serial
}
