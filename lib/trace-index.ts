// LiveTraces' trace summaries, kept up to date from one poll to the next: a poll brings a few
// hundred spans into a window of thousands, so only the traces those spans touch (or that lose
// spans as the window moves on) are summarized again. A trace's spans may come over several
// polls, a parent after its children (the browser's span is exported a second or two after the
// server's, and becomes the root): a trace that gets a span is summarized whole again.
import { BROWSER_SERVICE_NAME } from '../demo/domain/board.js'
import { hasValidTimes, nanosToMs, newestFirst, spanEndMs, summarizeTrace, type TelemetrySpan, type TraceSummary } from './span-tree.ts'
import { follows, type SpanWindow } from './span-window.ts'
import { withinSaneWindow } from './time-window.ts'

export class TraceIndex {
  private window: SpanWindow | undefined
  private readonly spansByTrace = new Map<string, TelemetrySpan[]>()
  private readonly summaries = new Map<string, TraceSummary>()
  private readonly changed = new Set<string>()
  private newest: TraceSummary[] = []
  /** The server's clock as its own spans tell it (their latest end): browsers' spans are judged by it. */
  private serverClockMs: number | undefined

  /**
   * Follows the span feed's window: a window that moved on from the last one seen applies its
   * delta (evicted, added); any other (a recording replaced by live data, polls missed while the
   * slide was off screen) starts over. Spans with a malformed time are left out: they would
   * stretch their trace back to 1970. So are browser spans stamped outside the sane window
   * around the server's clock (lib/time-window.ts): the server refuses them, but a recording or
   * an older server may still hold one, and a year-9999 span would take every time axis.
   */
  sync(window: SpanWindow): this {
    if (window === this.window) return this
    if (follows(window, this.window)) {
      this.forget(window.evicted)
      this.add(window.added)
    } else {
      this.spansByTrace.clear()
      this.summaries.clear()
      this.changed.clear()
      this.newest = []
      this.add(window.spans)
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

  private add(spans: readonly TelemetrySpan[]): void {
    for (const span of spans) {
      if (span.serviceName !== BROWSER_SERVICE_NAME && hasValidTimes(span)) {
        this.serverClockMs = Math.max(this.serverClockMs ?? 0, spanEndMs(span))
      }
    }
    for (const span of spans) {
      if (!hasValidTimes(span) || !this.onTheServerClock(span)) continue
      const trace = this.spansByTrace.get(span.traceId)
      if (trace) trace.push(span)
      else this.spansByTrace.set(span.traceId, [span])
      this.changed.add(span.traceId)
    }
  }

  private onTheServerClock(span: TelemetrySpan): boolean {
    if (span.serviceName !== BROWSER_SERVICE_NAME || this.serverClockMs === undefined) return true
    return withinSaneWindow(nanosToMs(span.startTimeUnixNano), this.serverClockMs) && withinSaneWindow(spanEndMs(span), this.serverClockMs)
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
