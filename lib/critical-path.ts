// The critical path of a trace, as Jaeger's critical-path view computes it: walking back from the
// root's end, the span that was still working at each instant, the last-finishing child first. Its
// segments tile the root's duration exactly, so "82 % du temps : UPDATE images (SQLite)" adds up.
// Children are clamped to their parent's window first: a browser's clock and the server's disagree
// by a few milliseconds, and a child sticking out of its parent would count twice.
import { BROWSER_SERVICE_NAME } from '../demo/domain/board.js'
import { nanosToMs, type TelemetrySpan } from './span-tree.ts'

export interface CriticalSegment {
  span: TelemetrySpan
  /** Epoch milliseconds, within the root's window. */
  startMs: number
  endMs: number
}

export interface CriticalPathSummary {
  segments: CriticalSegment[]
  /** The root's duration: the segments' durations add up to it. */
  totalMs: number
  /** What took the largest share of the path, in French, e.g. `UPDATE images (SQLite)`. */
  largest: { label: string; ms: number; share: number } | undefined
  /** The one line under the waterfall: `82 % du temps : UPDATE images (SQLite)`. */
  sentence: string
}

const SPAN_KIND_CLIENT = 3
const NBSP = '\u00a0'

interface Node {
  span: TelemetrySpan
  startMs: number
  endMs: number
  children: Node[]
}

/** The critical path of one trace's spans, earliest segment first; empty when there is no span. */
export function criticalPath(spans: readonly TelemetrySpan[]): CriticalSegment[] {
  const root = buildTree(spans)
  if (!root) return []
  const segments: CriticalSegment[] = []
  walk(root, root.startMs, root.endMs, segments)
  return segments.reverse()
}

/** The critical path, each contributor's share, and the sentence naming the largest. */
export function summarizeCriticalPath(spans: readonly TelemetrySpan[]): CriticalPathSummary {
  const segments = criticalPath(spans)
  const totalMs = segments.reduce((sum, segment) => sum + (segment.endMs - segment.startMs), 0)
  const byLabel = new Map<string, number>()
  const hasServerChild = new Set(spans.filter((span) => span.serviceName !== BROWSER_SERVICE_NAME).map((span) => span.parentSpanId))
  for (const segment of segments) {
    const label = contributorLabel(segment.span, hasServerChild.has(segment.span.spanId))
    byLabel.set(label, (byLabel.get(label) ?? 0) + segment.endMs - segment.startMs)
  }
  let largest: CriticalPathSummary['largest']
  for (const [label, ms] of byLabel) {
    if (!largest || ms > largest.ms) largest = { label, ms, share: totalMs > 0 ? ms / totalMs : 1 }
  }
  const sentence = largest ? `${Math.round(largest.share * 100)}${NBSP}% du temps${NBSP}: ${largest.label}` : ''
  return { segments, totalMs, largest, sentence }
}

/**
 * Who a segment's time belongs to, as the audience would say it: a SQLite statement is named with
 * its engine; the time a browser's request spends before and after the server span is the network.
 */
function contributorLabel(span: TelemetrySpan, hasServerChild: boolean): string {
  if (span.serviceName === BROWSER_SERVICE_NAME) {
    if (span.kind === SPAN_KIND_CLIENT && hasServerChild) return 'le réseau entre le navigateur et Draw64'
    return `${span.name} (navigateur)`
  }
  if (span.attributes['db.system.name'] === 'sqlite') return `${span.name} (SQLite)`
  return span.name
}

/** The root (no parent here, earliest first) and its descendants, children clamped into their parent. */
function buildTree(spans: readonly TelemetrySpan[]): Node | undefined {
  if (spans.length === 0) return undefined
  const ids = new Set(spans.map((span) => span.spanId))
  const byParent = new Map<string, TelemetrySpan[]>()
  for (const span of spans) {
    if (!span.parentSpanId || !ids.has(span.parentSpanId) || span.parentSpanId === span.spanId) continue
    const siblings = byParent.get(span.parentSpanId)
    if (siblings) siblings.push(span)
    else byParent.set(span.parentSpanId, [span])
  }
  const orphans = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId))
  // The same root summarizeTrace shows: a true root, else the earliest orphan.
  const rootSpan = earliest(orphans.filter((span) => !span.parentSpanId)) ?? earliest(orphans)
  if (!rootSpan) return undefined
  const start = nanosToMs(rootSpan.startTimeUnixNano)
  const root: Node = { span: rootSpan, startMs: start, endMs: Math.max(start, nanosToMs(rootSpan.endTimeUnixNano)), children: [] }
  const visited = new Set([rootSpan.spanId])
  const stack = [root]
  while (stack.length > 0) {
    const parent = stack.pop()!
    for (const span of byParent.get(parent.span.spanId) ?? []) {
      if (visited.has(span.spanId)) continue
      visited.add(span.spanId)
      const startMs = Math.min(Math.max(nanosToMs(span.startTimeUnixNano), parent.startMs), parent.endMs)
      const endMs = Math.max(Math.min(nanosToMs(span.endTimeUnixNano), parent.endMs), startMs)
      const child: Node = { span, startMs, endMs, children: [] }
      parent.children.push(child)
      stack.push(child)
    }
  }
  return root
}

function earliest(spans: readonly TelemetrySpan[]): TelemetrySpan | undefined {
  let best: TelemetrySpan | undefined
  for (const span of spans) if (!best || nanosToMs(span.startTimeUnixNano) < nanosToMs(best.startTimeUnixNano)) best = span
  return best
}

/**
 * Appends, latest first, the segments of `node` within [fromMs, toMs]: from the end backwards,
 * the child still running latest owns the time down to its start; the gaps are the node's own.
 */
function walk(node: Node, fromMs: number, toMs: number, out: CriticalSegment[]): void {
  let cursor = toMs
  const children = node.children.filter((child) => child.endMs > child.startMs)
  while (cursor > fromMs) {
    let next: Node | undefined
    let nextEnd = fromMs
    for (const child of children) {
      const end = Math.min(child.endMs, cursor)
      if (child.startMs < cursor && end > Math.max(child.startMs, fromMs) && (next === undefined || end > nextEnd)) {
        next = child
        nextEnd = end
      }
    }
    if (!next) break
    if (cursor > nextEnd) out.push({ span: node.span, startMs: nextEnd, endMs: cursor })
    const childFrom = Math.max(next.startMs, fromMs)
    walk(next, childFrom, nextEnd, out)
    cursor = childFrom
  }
  if (cursor > fromMs) out.push({ span: node.span, startMs: fromMs, endMs: cursor })
}
