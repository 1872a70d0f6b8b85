// Delta or cumulative (chapter 6): one count, the draws served (the count of the PUT requests
// of http.server.request.duration), read at the same moments by two readers of the same SDK:
// the Prometheus exporter (cumulative, as Prometheus wants it) and a second reader asking for
// DELTA, kept in memory for the slide. Each tick collects both and keeps the pair of data points
// as the SDK made them (count, start and end times). The HTTP server metric, not a Draw64
// counter: the HA balancer serves the slides and counts the draws it forwards too.
//
// Why a tick at all, even with nobody watching: the SDK keeps, for each reader, what the other
// readers' collections have not yet reported to it. A reader never collected would hoard
// a map per scrape of the other. Collecting both at each tick (every second while the slide
// polls, every 5 s otherwise) keeps both hoards to a few maps.
import type { Attributes, HrTime } from '@opentelemetry/api'
import { AggregationTemporality, MetricReader, type CollectionResult, type IMetricReader } from '@opentelemetry/sdk-metrics'
import type { TemporalityPoint } from '../../lib/wire.ts'

export const TEMPORALITY_METRIC = 'http.server.request.duration'
/** Only the draws: the data points of PUT requests. */
const isDraw = (attributes: Attributes) => attributes['http.request.method'] === 'PUT'
export const TEMPORALITY_CAPACITY = 60
const WATCHED_TICK_MS = 1000
const IDLE_TICK_MS = 5000
/** A poll keeps the one-second tick for this long. */
const WATCHED_FOR_MS = 15_000

// #region delta-reader
/** A reader asking the SDK for DELTA temporality, collected by the tick, never exported. */
export class DeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA })
  }

  protected onForceFlush(): Promise<void> {
    return Promise.resolve()
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}
// #endregion delta-reader

const millis = ([seconds, nanos]: HrTime) => seconds * 1000 + nanos / 1e6

type Point = { startTime: HrTime; endTime: HrTime; attributes: Attributes; value: number | { count: number } }

/**
 * A counter's data points in a collection, or a histogram's counts, summed over the attribute
 * sets `filter` keeps (the widest window of theirs), or none before the first measurement.
 */
export function counterPoint(
  { resourceMetrics }: CollectionResult,
  name: string,
  filter: (attributes: Attributes) => boolean = () => true,
): { startMs: number; endMs: number; value: number } | undefined {
  const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((candidate) => candidate.descriptor.name === name)
  const points = ((metric?.dataPoints ?? []) as Point[])
    .filter((point) => filter(point.attributes))
    .map((point) => ({ ...point, value: typeof point.value === 'number' ? point.value : point.value.count }))
  if (points.length === 0) return undefined
  return {
    startMs: Math.min(...points.map((point) => millis(point.startTime))),
    endMs: Math.max(...points.map((point) => millis(point.endTime))),
    value: points.reduce((sum, point) => sum + point.value, 0),
  }
}

/**
 * Pairs of readings of one counter, the newest last, at most `capacity`. A delta reading with no
 * data point (nothing added since the last tick) is a zero over the tick.
 */
export function createTemporalityRecorder(
  delta: IMetricReader,
  cumulative: IMetricReader,
  { metric = TEMPORALITY_METRIC, filter = isDraw, capacity = TEMPORALITY_CAPACITY } = {},
) {
  const points: TemporalityPoint[] = []
  let lastTickMs: number | undefined

  async function tick(): Promise<void> {
    const [deltaResult, cumulativeResult] = await Promise.all([delta.collect(), cumulative.collect()])
    const timeMs = Date.now()
    const sum = counterPoint(cumulativeResult, metric, filter)
    const change = counterPoint(deltaResult, metric, filter)
    points.push({
      timeMs,
      delta: change ?? { startMs: lastTickMs ?? timeMs, endMs: timeMs, value: 0 },
      cumulative: sum ?? { startMs: timeMs, endMs: timeMs, value: 0 },
    })
    if (points.length > capacity) points.shift()
    lastTickMs = timeMs
  }

  return { tick, points: (): readonly TemporalityPoint[] => points }
}

let recorder: ReturnType<typeof createTemporalityRecorder> | undefined
let watchedUntil = 0
let next: { timer: ReturnType<typeof setTimeout>; atMs: number } | undefined
let loop: (() => Promise<void>) | undefined

function schedule(delayMs: number): void {
  if (!loop) return
  clearTimeout(next?.timer)
  next = { timer: setTimeout(loop, delayMs).unref(), atMs: Date.now() + delayMs }
}

/** Called by the bootstrap with its two readers; ticks until the process ends. */
export function startTemporality(delta: IMetricReader, cumulative: IMetricReader): void {
  const started = createTemporalityRecorder(delta, cumulative)
  recorder = started
  loop = async () => {
    next = undefined
    try {
      await started.tick()
    } catch {
      // A collection that failed (shutting down): the next tick tries again.
    }
    schedule(Date.now() < watchedUntil ? WATCHED_TICK_MS : IDLE_TICK_MS)
  }
  schedule(WATCHED_TICK_MS)
}

/** The readings so far, the last `count`; a poll keeps the tick at one second for a while. */
export function temporalityPoints(count: number): { metric: string; sdkEnabled: boolean; points: TemporalityPoint[] } {
  watchedUntil = Date.now() + WATCHED_FOR_MS
  // Waiting out an idle tick: the next one comes within a second instead.
  if (next && next.atMs > Date.now() + WATCHED_TICK_MS) schedule(WATCHED_TICK_MS)
  return { metric: TEMPORALITY_METRIC, sdkEnabled: recorder !== undefined, points: recorder ? recorder.points().slice(-count) : [] }
}
