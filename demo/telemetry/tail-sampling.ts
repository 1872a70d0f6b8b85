// Tail sampling, where a Collector would do it: between the SDK and the slides' span buffer.
// Spans are held by trace until the trace is complete (its local root has ended, plus a short
// wait for the spans that end after it, such as the broadcast), then the policy keeps the whole
// trace or none of it: every trace with an error, every trace slower than a threshold, and a
// ratio of the rest. A real deployment runs the Collector's `tail_sampling` processor behind a
// `load_balancing` exporter routing by trace id (stack/collector/tail-sampling.yaml): all the
// spans of a trace must reach the same collector. Everything here is bounded: traces waiting,
// spans per trace, time waiting, decisions remembered for late spans.
import type { TelemetrySpanJson } from './serialize.ts'

export interface TailPolicy {
  enabled: boolean
  /** A trace whose local root lasted at least this long is kept. */
  latencyMs: number
  /** The share of the other traces kept, 0 to 1, by trace id (the same trace, the same answer). */
  ratio: number
}

export interface TailCounts {
  /** Traces decided since start, and what became of them. */
  seen: number
  kept: number
  dropped: number
  errorTracesSeen: number
  errorTracesKept: number
  /** Spans handed over by the SDK (what head sampling let through), and spans that reached the buffer. */
  spansSeen: number
  spansKept: number
  pending: number
}

interface PendingTrace {
  spans: TelemetrySpanJson[]
  firstSeenMs: number
  /** When the local root has ended: decide then, plus the wait. */
  decideAtMs?: number
  rootDurationMs: number
  hasError: boolean
}

export const TAIL_LIMITS = {
  /** After the local root ends, how long to wait for its last spans. */
  waitMs: 500,
  /** A trace whose root never ends (a stream, a crash) is decided anyway after this long. */
  maxAgeMs: 10_000,
  maxPendingTraces: 1000,
  maxSpansPerTrace: 200,
  rememberedDecisions: 2000,
}

const STATUS_ERROR = 2
const durationMs = (span: TelemetrySpanJson) => Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6

/** The same answer for the same trace id, as TraceIdRatioBasedSampler gives. */
export function keptByRatio(traceId: string, ratio: number): boolean {
  return Number.parseInt(traceId.slice(-8), 16) / 0x1_0000_0000 < ratio
}

export function createTailSampler(deliver: (span: TelemetrySpanJson) => void, now: () => number = Date.now, limits = TAIL_LIMITS) {
  let policy: TailPolicy = { enabled: false, latencyMs: 1000, ratio: 0.1 }
  const counts: Omit<TailCounts, 'pending'> = { seen: 0, kept: 0, dropped: 0, errorTracesSeen: 0, errorTracesKept: 0, spansSeen: 0, spansKept: 0 }
  const pending = new Map<string, PendingTrace>()
  // Late spans of a decided trace follow its decision; a Map keeps insertion order, the oldest go first.
  const decided = new Map<string, boolean>()

  function pass(span: TelemetrySpanJson): void {
    counts.spansKept += 1
    deliver(span)
  }

  function decide(traceId: string, trace: PendingTrace): void {
    pending.delete(traceId)
    const keep = trace.hasError || trace.rootDurationMs >= policy.latencyMs || keptByRatio(traceId, policy.ratio)
    counts.seen += 1
    counts[keep ? 'kept' : 'dropped'] += 1
    if (trace.hasError) {
      counts.errorTracesSeen += 1
      if (keep) counts.errorTracesKept += 1
    }
    decided.set(traceId, keep)
    if (decided.size > limits.rememberedDecisions) decided.delete(decided.keys().next().value!)
    if (keep) trace.spans.forEach(pass)
  }

  return {
    policy: (): TailPolicy => ({ ...policy }),
    /** A new policy applies to the traces decided from now on. Off, the traces waiting are decided at once. */
    setPolicy(next: TailPolicy): TailPolicy {
      policy = { ...next }
      if (!policy.enabled) for (const [traceId, trace] of [...pending]) decide(traceId, trace)
      return { ...policy }
    },
    counts: (): TailCounts => ({ ...counts, pending: pending.size }),
    /** One ended span; `isLocalRoot`: its parent, if any, is in another process. */
    offer(span: TelemetrySpanJson, isLocalRoot: boolean): void {
      counts.spansSeen += 1
      if (!policy.enabled) return pass(span)
      const late = decided.get(span.traceId)
      if (late !== undefined) {
        if (late) pass(span)
        return
      }
      let trace = pending.get(span.traceId)
      if (!trace) {
        if (pending.size >= limits.maxPendingTraces) {
          const [oldestId, oldest] = pending.entries().next().value!
          decide(oldestId, oldest)
        }
        trace = { spans: [], firstSeenMs: now(), rootDurationMs: 0, hasError: false }
        pending.set(span.traceId, trace)
      }
      if (trace.spans.length < limits.maxSpansPerTrace) trace.spans.push(span)
      if (span.status.code === STATUS_ERROR) trace.hasError = true
      if (isLocalRoot) {
        trace.rootDurationMs = Math.max(trace.rootDurationMs, durationMs(span))
        trace.decideAtMs = now() + limits.waitMs
      }
    },
    /** Decides every trace that is complete, or has waited too long: called on a timer. */
    sweep(): void {
      const time = now()
      for (const [traceId, trace] of [...pending]) {
        if ((trace.decideAtMs !== undefined && trace.decideAtMs <= time) || time - trace.firstSeenMs >= limits.maxAgeMs) decide(traceId, trace)
      }
    },
  }
}

export type TailSampler = ReturnType<typeof createTailSampler>
