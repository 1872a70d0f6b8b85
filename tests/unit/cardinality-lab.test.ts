import { describe, expect, it } from 'vitest'
import { MeterProvider, MetricReader, type CollectionResult, type MetricProducer } from '@opentelemetry/sdk-metrics'
import {
  countDraw, cumulativeCardinalityGuard, DRAWS_CARDINALITY_LIMIT, DRAWS_METRIC, setViewDropsRequestId, startCardinalityLab,
} from '../../demo/telemetry/cardinality-lab.ts'

class TestReader extends MetricReader {
  protected onForceFlush = () => Promise.resolve()
  protected onShutdown = () => Promise.resolve()
}

/** The data points of one metric in a collection, as the Prometheus exporter would serialize them. */
function points({ resourceMetrics }: CollectionResult, name: string) {
  const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((candidate) => candidate.descriptor.name === name)
  return (metric?.dataPoints ?? []) as { attributes: Record<string, unknown>; value: number }[]
}

const isOverflow = (point: { attributes: Record<string, unknown> }) => point.attributes['otel.metric.overflow'] === true

/** `total` draws with a fresh request id each, the reader collecting every `perScrape` draws. */
async function spoil(producer: MetricProducer, total: number, perScrape: number): Promise<CollectionResult> {
  for (let n = 1; n <= total; n++) {
    countDraw({ 'draw64.command.type': 'draw', 'draw64.request.id': `r-${n}` })
    if (n % perScrape === 0) await producer.collect()
  }
  return producer.collect()
}

describe('the SDK cardinality limit alone', () => {
  // Why the lab adds a guard: if sdk-metrics ever holds its limit across collections, this fails and the guard can go.
  it('is per collection interval: a cumulative reader piles up series past it, scrape after scrape', async () => {
    const reader = new TestReader()
    const provider = new MeterProvider({ readers: [reader], views: [{ instrumentName: 'spoiled', aggregationCardinalityLimit: 10 }] })
    const counter = provider.getMeter('test').createCounter('spoiled')
    for (let n = 0; n < 40; n++) {
      counter.add(1, { id: n })
      if (n % 5 === 4) await reader.collect()
    }
    expect(points(await reader.collect(), 'spoiled').length).toBe(40)
  })
})

describe('cumulativeCardinalityGuard', () => {
  it('lets the first limit − 1 attribute sets through, whatever their key order, then answers the overflow set', () => {
    const guard = cumulativeCardinalityGuard(3)
    expect(guard.process({ a: 1, b: 2 })).toEqual({ a: 1, b: 2 })
    expect(guard.process({ a: 2 })).toEqual({ a: 2 })
    expect(guard.process({ a: 3 })).toEqual({ 'otel.metric.overflow': true })
    expect(guard.process({ b: 2, a: 1 })).toEqual({ b: 2, a: 1 })
  })
})

describe('the cardinality lab', () => {
  const producer = startCardinalityLab()

  it('holds draw64.draws to its limit across scrapes, the rest counted in the overflow series', async () => {
    const drawn = points(await spoil(producer, 120, 10), DRAWS_METRIC)
    expect(drawn.length).toBe(DRAWS_CARDINALITY_LIMIT)
    const overflow = drawn.filter(isOverflow)
    expect(overflow).toHaveLength(1)
    expect(overflow[0]!.value).toBe(120 - (DRAWS_CARDINALITY_LIMIT - 1))
    expect(drawn.reduce((sum, point) => sum + point.value, 0)).toBe(120)
  })

  it('starts again from no series when the View is switched, and the View drops the request id', async () => {
    expect(setViewDropsRequestId(true).viewDropsRequestId).toBe(true)
    expect(points(await producer.collect(), DRAWS_METRIC)).toEqual([])
    const drawn = points(await spoil(producer, 30, 10), DRAWS_METRIC)
    expect(drawn.map((point) => [point.attributes, point.value])).toEqual([[{ 'draw64.command.type': 'draw' }, 30]])
    setViewDropsRequestId(false)
  })
})
