// Exemplars, made in the browser: the JS metrics SDK records none yet, so a click on a chart finds
// a trace of the same moment in the spans the slides already poll. A chart's point covers the
// requests that ended between two scrapes; the trace chosen is one of theirs, picked as the chart
// asks: the slowest for latency, an error for the error rate, the latest for the request rate.
import { BROWSER_SERVICE_NAME } from '../demo/domain/board.js'
import type { HttpFilter } from './live-metrics.ts'
import { nanosToMs, spanEndMs, type TelemetrySpan } from './span-tree.ts'

export type ExemplarChart = 'latency' | 'errorRate' | 'requestRate'

export const EXEMPLAR_CHARTS: readonly string[] = ['latency', 'errorRate', 'requestRate'] satisfies ExemplarChart[]

/** The trace chosen for a chart, and where its dot goes: the server span's end and duration. */
export interface Exemplar {
  chart: ExemplarChart
  traceId: string
  spanId: string
  timeMs: number
  durationMs: number
}

/** The requests a point stands for: those that ended after `fromMs` and at or before `toMs`. */
export interface TimeWindow {
  fromMs: number
  toMs: number
}

const SPAN_KIND_SERVER = 1
const STATUS_ERROR = 2

/**
 * The interval between two scrapes that holds `timeMs` (a chart's point at scrape i stands for
 * (times[i-1], times[i]]), or undefined before the first point's interval.
 */
export function scrapeWindowAt(times: readonly number[], timeMs: number): TimeWindow | undefined {
  if (times.length === 0) return undefined
  // Nearest point to the click, then its interval: a click on a point's dot lands either side of it.
  let nearest = 0
  for (let i = 1; i < times.length; i++) if (Math.abs(times[i]! - timeMs) < Math.abs(times[nearest]! - timeMs)) nearest = i
  const toMs = times[nearest]!
  const fromMs = nearest > 0 ? times[nearest - 1]! : toMs - (times.length > 1 ? times[1]! - times[0]! : 1000)
  return { fromMs, toMs }
}

/** The server span of the chart's choice among those that ended in the window, or undefined if none did. */
export function pickExemplar(chart: ExemplarChart, spans: readonly TelemetrySpan[], window: TimeWindow, filter: HttpFilter = {}): Exemplar | undefined {
  let best: { span: TelemetrySpan; endMs: number; durationMs: number } | undefined
  for (const span of spans) {
    if (!isMeasuredRequest(span, filter)) continue
    const endMs = spanEndMs(span)
    if (endMs <= window.fromMs || endMs > window.toMs) continue
    if (chart === 'errorRate' && !isServerError(span)) continue
    const durationMs = endMs - nanosToMs(span.startTimeUnixNano)
    const better = !best || (chart === 'latency' ? durationMs > best.durationMs : endMs > best.endMs)
    if (better) best = { span, endMs, durationMs }
  }
  return best && { chart, traceId: best.span.traceId, spanId: best.span.spanId, timeMs: best.endMs, durationMs: best.durationMs }
}

/** A span that http.server.request.duration counted: a Draw64 server span with its route. */
function isMeasuredRequest(span: TelemetrySpan, filter: HttpFilter): boolean {
  if (span.kind !== SPAN_KIND_SERVER || span.serviceName === BROWSER_SERVICE_NAME) return false
  const route = span.attributes['http.route']
  if (typeof route !== 'string') return false
  if (filter.route && route !== filter.route) return false
  return !filter.method || span.attributes['http.request.method'] === filter.method
}

/** What the error chart's red line counts: a 5xx answer. */
function isServerError(span: TelemetrySpan): boolean {
  const status = span.attributes['http.response.status_code']
  return typeof status === 'number' ? status >= 500 : span.status.code === STATUS_ERROR
}
