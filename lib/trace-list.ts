// Which traces LiveTraces lists and which one its waterfall shows: the speaker's filter, the
// "Effacer" cut-off and the shared selection (a trace picked here or in LiveLogs).
import type { TraceSummary } from './span-tree.ts'
import { SANE_TIME_WINDOW } from './time-window.ts'

export const DEFAULT_TRACE_LIMIT = 8

export interface TraceListOptions {
  /**
   * Keeps traces with a span whose name contains this text (case-insensitive): `PUT` keeps a
   * stroke's trace whether its root is the server's span or, once it arrives, the browser's.
   */
  filter?: string | undefined
  limit?: number | undefined
  /** Traces started at or before this time (epoch ms, the demo's clock) were cleared. */
  clearedThroughMs?: number | undefined
  /** The trace the audience picked; undefined follows the newest one. */
  pinnedTraceId?: string | undefined
}

export interface TraceList {
  /** Newest first, at most `limit`; always holds the selected trace. */
  rows: TraceSummary[]
  selected: TraceSummary | undefined
  /** A trace was picked but none of its spans are here (not received yet, or too old). */
  pinnedMissing: boolean
}

/** The rows to list and the trace to draw, from all traces newest first (as TraceIndex gives them). */
export function listTraces(traces: readonly TraceSummary[], options: TraceListOptions = {}): TraceList {
  const limit = rowLimit(options.limit)
  const cutoff = options.clearedThroughMs
  const visible = cutoff === undefined ? [...traces] : traces.filter((trace) => trace.startMs > cutoff)
  const needle = options.filter?.trim().toLowerCase()
  const matching = needle
    ? visible.filter((trace) => trace.spans.some((span) => span.name.toLowerCase().includes(needle)))
    : visible
  let rows = matching.slice(0, limit)

  if (options.pinnedTraceId === undefined) return { rows, selected: rows[0], pinnedMissing: false }

  // The pick wins over the filter and the cut-off: it was chosen explicitly, maybe from a log line.
  const pinned = traces.find((trace) => trace.traceId === options.pinnedTraceId)
  if (pinned && !rows.includes(pinned)) {
    rows = [...rows.slice(0, limit - 1), pinned].sort((a, b) => b.startMs - a.startMs)
  }
  return { rows, selected: pinned, pinnedMissing: !pinned }
}

/**
 * The cut-off that hides every trace known now: the start of the newest one. A trace that
 * claims to start in the future is not a candidate: as the cut-off it would hide every real
 * trace to come.
 */
export function clearCutoff(traces: readonly TraceSummary[], previous?: number, nowMs = Date.now()): number | undefined {
  let newest = previous
  for (const trace of traces) {
    if (trace.startMs > nowMs + SANE_TIME_WINDOW.futureMs) continue
    if (newest === undefined || trace.startMs > newest) newest = trace.startMs
  }
  return newest
}

function rowLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_TRACE_LIMIT
  return Math.max(1, Math.floor(limit))
}
