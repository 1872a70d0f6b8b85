// The opt-in autoscaler of HA mode: once a second it reads the replicas' own metrics (pushed
// over OTLP to the balancer), and adds a replica when their p95 latency or event-loop delay
// stays above a threshold for a while, or removes one when the load has gone; bounded by the
// replica limits and a cooldown. Each decision is a span and a log line that give its reason.
import { ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { DataPointType, type ScopeMetrics } from '@opentelemetry/sdk-metrics'
import { bucketDeltas, counterRate, histogramQuantile, type HistogramBucket } from '../../lib/metric-math.ts'
import type { AutoscalerPolicy } from '../../lib/wire.ts'
import { logger } from '../logger.ts'
import { replicaMetricsSnapshot } from '../telemetry/replica-metrics.ts'

export const DEFAULT_POLICY: AutoscalerPolicy = { p95Ms: 200, loopDelayMs: 100, sustainSeconds: 10, idleRate: 1, idleSeconds: 15, cooldownSeconds: 20 }

const TICK_MS = 1000
const tracer = trace.getTracer('draw64-autoscaler')

/** What the autoscaler reads each second. */
export interface Reading {
  timeMs: number
  /** p95 of the replicas' HTTP requests since the previous reading; NaN with none. */
  p95Ms: number
  /** The worst replica's event-loop delay p99 above its minimum. */
  loopDelayMs: number
  /** Requests per second the replicas served since the previous reading. */
  requestRate: number
  /** Replicas running, and the bounds. */
  replicas: number
  min: number
  max: number
}

/** Since when each condition has held, and when the last change was made. */
export interface Memory {
  hotSinceMs?: number
  idleSinceMs?: number
  lastChangeMs?: number
}

export interface Decision {
  change: -1 | 0 | 1
  /** In French, for the room: "p95 340 ms > 200 ms pendant 10 s → +1 réplique". */
  reason?: string
  memory: Memory
}

const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 })

/** The pure decision: the same reading, policy and memory always give the same answer. */
export function decide(reading: Reading, policy: AutoscalerPolicy, memory: Memory): Decision {
  const now = reading.timeMs
  const slow = reading.p95Ms > policy.p95Ms
  const blocked = reading.loopDelayMs > policy.loopDelayMs
  const hotSinceMs = slow || blocked ? (memory.hotSinceMs ?? now) : undefined
  const idleSinceMs = reading.requestRate < policy.idleRate ? (memory.idleSinceMs ?? now) : undefined
  const held = (since: number | undefined, seconds: number) => since !== undefined && now - since >= seconds * 1000
  const cooling = memory.lastChangeMs !== undefined && now - memory.lastChangeMs < policy.cooldownSeconds * 1000
  const kept: Memory = { hotSinceMs, idleSinceMs, lastChangeMs: memory.lastChangeMs }

  if (held(hotSinceMs, policy.sustainSeconds) && reading.replicas < reading.max && !cooling) {
    const why = slow
      ? `p95 ${number.format(reading.p95Ms)} ms > ${number.format(policy.p95Ms)} ms`
      : `retard de boucle ${number.format(reading.loopDelayMs)} ms > ${number.format(policy.loopDelayMs)} ms`
    return { change: 1, reason: `${why} pendant ${policy.sustainSeconds} s → +1 réplique`, memory: { lastChangeMs: now } }
  }
  if (held(idleSinceMs, policy.idleSeconds) && !hotSinceMs && reading.replicas > reading.min && !cooling) {
    const reason = `${number.format(reading.requestRate)} req/s < ${number.format(policy.idleRate)} req/s pendant ${policy.idleSeconds} s → −1 réplique`
    return { change: -1, reason, memory: { lastChangeMs: now } }
  }
  return { change: 0, memory: kept }
}

// ---- reading the replicas' metrics ----

interface Totals {
  timeMs: number
  buckets: HistogramBucket[]
  requests: number
  loopDelayMs: number
}

/** The replicas' cumulative request histogram (summed), request count, and worst loop delay. */
function totals(scopesByService: ReadonlyMap<string, ScopeMetrics[]>, timeMs: number): Totals {
  const perBound = new Map<number, number>()
  let requests = 0
  let loopDelayMs = 0
  for (const scopes of scopesByService.values()) {
    const gauges = new Map<string, number>()
    for (const metric of scopes.flatMap((scope) => scope.metrics)) {
      if (metric.descriptor.name === 'http.server.request.duration' && metric.dataPointType === DataPointType.HISTOGRAM) {
        for (const { value } of metric.dataPoints) {
          requests += value.count
          let cumulative = 0
          value.buckets.boundaries.forEach((bound, i) => {
            cumulative += value.buckets.counts[i] ?? 0
            perBound.set(bound, (perBound.get(bound) ?? 0) + cumulative)
          })
          perBound.set(Infinity, (perBound.get(Infinity) ?? 0) + value.count)
        }
      } else if (metric.dataPointType === DataPointType.GAUGE && metric.descriptor.name.startsWith('nodejs.eventloop.delay.')) {
        gauges.set(metric.descriptor.name, metric.dataPoints[0]?.value ?? 0)
      }
    }
    const delay = (gauges.get('nodejs.eventloop.delay.p99') ?? 0) - (gauges.get('nodejs.eventloop.delay.min') ?? 0)
    loopDelayMs = Math.max(loopDelayMs, delay * 1000)
  }
  const buckets = [...perBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le)
  return { timeMs, buckets, requests, loopDelayMs }
}

export interface ReplicaScaling {
  running(): number
  add(): Promise<unknown>
  retireOne(): Promise<unknown>
}

export function createAutoscaler(replicas: ReplicaScaling, bounds: { min: number; max: number }) {
  let policy = DEFAULT_POLICY
  let memory: Memory = {}
  let previous: Totals | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let lastDecision: { time: string; change: number; reason: string } | null = null
  let acting = false

  async function tick(): Promise<void> {
    const current = totals(replicaMetricsSnapshot(), Date.now())
    const before = previous
    previous = current
    if (!before || acting) return
    const window = bucketDeltas(before.buckets, current.buckets)
    const reading: Reading = {
      timeMs: current.timeMs,
      p95Ms: window.some((bucket) => bucket.count > 0) ? histogramQuantile(0.95, window) * 1000 : Number.NaN,
      loopDelayMs: current.loopDelayMs,
      requestRate: counterRate({ value: before.requests, timeMs: before.timeMs }, { value: current.requests, timeMs: current.timeMs }),
      replicas: replicas.running(),
      ...bounds,
    }
    const decision = decide(reading, policy, memory)
    memory = decision.memory
    if (decision.change !== 0) await act(decision.change, decision.reason!)
  }

  function act(change: 1 | -1, reason: string): Promise<void> {
    acting = true
    lastDecision = { time: new Date().toISOString(), change, reason }
    // A trace of its own: the timer was armed by an untraced control request, whose context
    // suppresses tracing.
    return tracer.startActiveSpan(change > 0 ? 'autoscale +1' : 'autoscale -1', {}, ROOT_CONTEXT, async (span) => {
      span.setAttributes({ 'draw64.autoscale.change': change, 'draw64.autoscale.reason': reason, 'draw64.replicas': replicas.running() })
      logger.info({ change, reason }, `autoscaler: ${reason}`)
      try {
        await (change > 0 ? replicas.add() : replicas.retireOne())
      } catch (error) {
        span.recordException(error as Error)
        logger.warn({ err: error }, `autoscaler: ${reason} refused: ${(error as Error).message}`)
      } finally {
        span.end()
        acting = false
      }
    })
  }

  return {
    status: () => ({ enabled: timer !== undefined, policy, lastDecision }),
    configure(enabled: boolean, changes: Partial<AutoscalerPolicy>): void {
      policy = { ...policy, ...changes }
      if (enabled && !timer) {
        memory = {}
        previous = undefined
        timer = setInterval(() => void tick(), TICK_MS)
        timer.unref()
      } else if (!enabled && timer) {
        clearInterval(timer)
        timer = undefined
      }
    },
    stop: () => clearInterval(timer),
  }
}

export type Autoscaler = ReturnType<typeof createAutoscaler>
