// The HA replicas' metrics in the balancer's /metrics: each replica pushes them over OTLP
// (cumulative, every second), the balancer keeps each one's latest export here, and the
// Prometheus exporter reads them as a MetricProducer beside its own, so one serializer writes
// one family per metric for the whole system, one series per replica (labels service_name and
// service_version). The bootstrap registers it, so this file imports no app code.
import { emptyResource } from '@opentelemetry/resources'
import type { CollectionResult, MetricProducer, ScopeMetrics } from '@opentelemetry/sdk-metrics'

/** A replica silent this long (crashed, or replaced by a rollout) leaves /metrics. */
const STALE_AFTER_MS = 10_000
/** More services than replicas can ever be: a bound on what a sender can make the balancer keep. */
const MAX_SERVICES = 16

export interface ReplicaExport {
  service: string
  scopeMetrics: ScopeMetrics[]
}

const latest = new Map<string, { scopeMetrics: ScopeMetrics[]; receivedMs: number }>()

/** Keeps the latest export of each service; false (nothing kept) past MAX_SERVICES. */
export function addReplicaMetrics(exports: readonly ReplicaExport[], nowMs = Date.now()): boolean {
  forgetStale(nowMs)
  const newServices = new Set(exports.map(({ service }) => service).filter((service) => !latest.has(service)))
  if (latest.size + newServices.size > MAX_SERVICES) return false
  for (const { service, scopeMetrics } of exports) latest.set(service, { scopeMetrics, receivedMs: nowMs })
  return true
}

function forgetStale(nowMs: number): void {
  for (const [service, { receivedMs }] of latest) if (nowMs - receivedMs > STALE_AFTER_MS) latest.delete(service)
}

/** Each replica's latest metrics, by service name: what the HA autoscaler reads. */
export function replicaMetricsSnapshot(nowMs = Date.now()): Map<string, ScopeMetrics[]> {
  forgetStale(nowMs)
  return new Map([...latest].map(([service, { scopeMetrics }]) => [service, scopeMetrics]))
}

export const replicaMetricsProducer: MetricProducer = {
  async collect(): Promise<CollectionResult> {
    forgetStale(Date.now())
    return {
      // The reader keeps its own resource and takes only the scopes from here.
      resourceMetrics: { resource: emptyResource(), scopeMetrics: [...latest.values()].flatMap(({ scopeMetrics }) => scopeMetrics) },
      errors: [],
    }
  },
}
