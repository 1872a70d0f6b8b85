// Cardinality, exploded and fixed live (chapter 6). One counter, draw64.draws (one per applied
// command; with --replicas, counted by the balancer as it forwards them, since the slides scrape
// its /metrics), which has no attribute until the highCardinality flag adds a per-request id. It lives in
// a MeterProvider of its own, served on /metrics next to the SDK's metrics through the
// Prometheus exporter's `metricProducers` option. Why its own provider: a View is fixed when
// the SDK starts, and a cumulative series, once created, stays until the process restarts; in
// production the fix is a redeploy with the View. Switching the View here rebuilds this one
// provider with or without it: that redeploy, for this counter only.
//
// The counter's cardinality limit is set explicitly, so that even the spoiled counter stays
// bounded: past the limit, every new attribute set goes to one series, otel.metric.overflow=
// "true". sdk-metrics 3.1 applies that limit to each collection interval only: a cumulative
// reader still piles up new series scrape after scrape (tests/unit/cardinality-lab.test.ts
// shows it). So the View also holds the limit over the whole stream, with an attributes
// processor (the SDK's own extension point) folding into that same overflow series.
import type { Attributes, Counter } from '@opentelemetry/api'
import {
  createDenyListAttributesProcessor, MeterProvider, MetricReader, type IAttributesProcessor, type MetricProducer,
} from '@opentelemetry/sdk-metrics'
import { REQUEST_ID_ATTRIBUTE } from '../control/faults.ts'
import type { CardinalityLabState } from '../../lib/wire.ts'

export const DRAWS_METRIC = 'draw64.draws'
/** At most this many series for draw64.draws, its overflow series included. */
export const DRAWS_CARDINALITY_LIMIT = 50

const OVERFLOW_ATTRIBUTES: Attributes = { 'otel.metric.overflow': true }

/** Lets through the first `limit - 1` attribute sets it sees, and sends every later one to the overflow series. */
export function cumulativeCardinalityGuard(limit: number): IAttributesProcessor {
  const seen = new Set<string>()
  return {
    process(incoming) {
      const key = JSON.stringify(Object.entries(incoming).sort(([a], [b]) => (a < b ? -1 : 1)))
      if (seen.has(key)) return incoming
      if (seen.size >= limit - 1) return OVERFLOW_ATTRIBUTES
      seen.add(key)
      return incoming
    },
  }
}

/** Read by the Prometheus exporter at each scrape, never on its own. */
class OnDemandReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve()
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

interface Generation {
  provider: MeterProvider
  reader: OnDemandReader
  counter: Counter
  viewDropsRequestId: boolean
}

// #region cardinality-view
function build(viewDropsRequestId: boolean): Generation {
  const reader = new OnDemandReader()
  const provider = new MeterProvider({
    readers: [reader],
    views: [
      {
        instrumentName: DRAWS_METRIC,
        aggregationCardinalityLimit: DRAWS_CARDINALITY_LIMIT,
        attributesProcessors: [
          ...(viewDropsRequestId ? [createDenyListAttributesProcessor([REQUEST_ID_ATTRIBUTE])] : []),
          cumulativeCardinalityGuard(DRAWS_CARDINALITY_LIMIT),
        ],
      },
    ],
  })
  const counter = provider.getMeter('draw64.cardinality').createCounter(DRAWS_METRIC, {
    description: 'Commands applied (by request id while highCardinality is on)',
    unit: '{command}',
  })
  return { provider, reader, counter, viewDropsRequestId }
}
// #endregion cardinality-view

// Undefined while the SDK is off (OTEL_SDK_DISABLED=true): counting is then a no-op.
let current: Generation | undefined

/** Called once by the bootstrap: what the Prometheus exporter collects along with the SDK. */
export function startCardinalityLab(): MetricProducer {
  current = build(false)
  return { collect: (options) => (current ?? (current = build(false))).reader.collect(options) }
}

/** One applied command, with the attributes its draw carries. */
export function countDraw(attributes: Attributes): void {
  current?.counter.add(1, attributes)
}

export function cardinalityLabState(): CardinalityLabState {
  return {
    metric: DRAWS_METRIC,
    attribute: REQUEST_ID_ATTRIBUTE,
    limit: DRAWS_CARDINALITY_LIMIT,
    viewDropsRequestId: current?.viewDropsRequestId ?? false,
    sdkEnabled: current !== undefined,
  }
}

/** Redeploys the counter with or without the View: its series start again from none. */
export function setViewDropsRequestId(drops: boolean): CardinalityLabState {
  const previous = current
  if (previous) {
    current = build(drops)
    void previous.provider.shutdown()
  }
  return cardinalityLabState()
}
