// The plain way to summarize a window of spans, all at once: the oracle that TraceIndex, which
// summarizes poll by poll only the traces a poll touches, must agree with.
import { newestFirst, summarizeTrace, type TelemetrySpan, type TraceSummary } from '../../lib/span-tree.ts'

/** One summary per trace, newest first. */
export function groupTraces(spans: readonly TelemetrySpan[]): TraceSummary[] {
  const byTrace = new Map<string, TelemetrySpan[]>()
  for (const span of spans) {
    const trace = byTrace.get(span.traceId)
    if (trace) trace.push(span)
    else byTrace.set(span.traceId, [span])
  }
  return [...byTrace]
    .map(([traceId, traceSpans]) => summarizeTrace(traceId, traceSpans))
    .sort(newestFirst)
}
