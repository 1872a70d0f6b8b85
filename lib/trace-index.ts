// LiveTraces' trace summaries, kept up to date from one poll to the next: a poll brings a few
// hundred spans into a window of thousands, so only the traces those spans touch (or that lose
// spans as the window moves on) are summarized again. A trace's spans may come over several
// polls, a parent after its children (the browser's span is exported a second or two after the
// server's, and becomes the root): a trace that gets a span is summarized whole again.
import { hasValidTimes, newestFirst, summarizeTrace, type TelemetrySpan, type TraceSummary } from './span-tree.ts'

export class TraceIndex {
  private window: readonly TelemetrySpan[] = []
  private readonly spansByTrace = new Map<string, TelemetrySpan[]>()
  private readonly summaries = new Map<string, TraceSummary>()
  private readonly changed = new Set<string>()
  private newest: TraceSummary[] = []

  /**
   * Follows a window of spans in arrival order whose oldest spans are dropped first, as
   * mergeSpans keeps it. Any other change (a recording replaced by live data) starts over.
   * Spans with a malformed time are left out: they would stretch their trace back to 1970.
   */
  sync(window: readonly TelemetrySpan[]): this {
    if (window === this.window) return this
    const kept = this.keptFrom(window)
    if (kept === undefined) {
      this.forget(this.window)
      this.add(window)
    } else {
      this.forget(this.window.slice(0, kept))
      this.add(window.slice(this.window.length - kept))
    }
    this.window = window
    return this
  }

  /** One summary per trace, newest first (see newestFirst); unchanged traces keep their object. */
  traces(): TraceSummary[] {
    if (this.changed.size === 0) return this.newest
    for (const traceId of this.changed) {
      const spans = this.spansByTrace.get(traceId)
      if (spans) this.summaries.set(traceId, summarizeTrace(traceId, spans))
      else this.summaries.delete(traceId)
    }
    this.changed.clear()
    this.newest = [...this.summaries.values()].sort(newestFirst)
    return this.newest
  }

  /** How many spans at the start of the previous window are gone from the new one; undefined if it is not the same window moved on. */
  private keptFrom(window: readonly TelemetrySpan[]): number | undefined {
    const previous = this.window
    if (previous.length === 0) return 0
    const dropped = previous.indexOf(window[0]!)
    if (dropped < 0) return undefined
    const overlap = previous.length - dropped
    return window.length >= overlap && window[overlap - 1] === previous[previous.length - 1] ? dropped : undefined
  }

  private add(spans: readonly TelemetrySpan[]): void {
    for (const span of spans) {
      if (!hasValidTimes(span)) continue
      const trace = this.spansByTrace.get(span.traceId)
      if (trace) trace.push(span)
      else this.spansByTrace.set(span.traceId, [span])
      this.changed.add(span.traceId)
    }
  }

  private forget(spans: readonly TelemetrySpan[]): void {
    for (const span of spans) {
      const trace = this.spansByTrace.get(span.traceId)
      // The oldest spans leave first: usually the first of their trace.
      const at = trace ? trace.indexOf(span) : -1
      if (at < 0) continue
      trace!.splice(at, 1)
      if (trace!.length === 0) this.spansByTrace.delete(span.traceId)
      this.changed.add(span.traceId)
    }
  }
}
