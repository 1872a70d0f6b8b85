import { describe, expect, it } from 'vitest'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { createTemporalityRecorder, DeltaReader } from '../../demo/telemetry/temporality.ts'

class CumulativeReader extends MetricReader {
  protected onForceFlush = () => Promise.resolve()
  protected onShutdown = () => Promise.resolve()
}

/** A real SDK with both readers on one counter, as the bootstrap sets them up. */
function setUp(capacity = 60) {
  const delta = new DeltaReader()
  const cumulative = new CumulativeReader()
  const provider = new MeterProvider({ readers: [delta, cumulative] })
  const counter = provider.getMeter('test').createCounter('pixels')
  return { counter, recorder: createTemporalityRecorder(delta, cumulative, { metric: 'pixels', filter: () => true, capacity }), cumulative }
}

describe('createTemporalityRecorder', () => {
  it('reads each tick’s adds as delta and the running total as cumulative', async () => {
    const { counter, recorder } = setUp()
    for (const adds of [[3], [], [5, 2], [1]]) {
      adds.forEach((value) => counter.add(value))
      await recorder.tick()
    }
    expect(recorder.points().map((point) => [point.delta.value, point.cumulative.value])).toEqual([[3, 3], [0, 3], [7, 10], [1, 11]])
  })

  it('is not disturbed by the other reader collecting between ticks (a Prometheus scrape)', async () => {
    const { counter, recorder, cumulative } = setUp()
    counter.add(4)
    await cumulative.collect()
    counter.add(6)
    await recorder.tick()
    expect(recorder.points().map((point) => [point.delta.value, point.cumulative.value])).toEqual([[10, 10]])
  })

  it('reads a histogram’s count, of the attribute sets its filter keeps, as the slide does for PUT requests', async () => {
    const delta = new DeltaReader()
    const cumulative = new CumulativeReader()
    const provider = new MeterProvider({ readers: [delta, cumulative] })
    const durations = provider.getMeter('test').createHistogram('http.server.request.duration')
    const recorder = createTemporalityRecorder(delta, cumulative)
    for (const method of ['PUT', 'GET', 'PUT']) durations.record(0.002, { 'http.request.method': method })
    await recorder.tick()
    durations.record(0.003, { 'http.request.method': 'PUT' })
    await recorder.tick()
    expect(recorder.points().map((point) => [point.delta.value, point.cumulative.value])).toEqual([[2, 2], [1, 3]])
  })

  it('keeps at most its capacity, the newest last', async () => {
    const { counter, recorder } = setUp(3)
    for (let tick = 1; tick <= 5; tick++) {
      counter.add(tick)
      await recorder.tick()
    }
    expect(recorder.points().map((point) => point.delta.value)).toEqual([3, 4, 5])
  })
})
