import { describe, expect, it } from 'vitest'
import { createTailSampler, keptByRatio, TAIL_LIMITS } from '../../demo/telemetry/tail-sampling.ts'
import type { TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'

/** A span of `traceId` lasting `ms`, an error if asked. */
function span(traceId: string, spanId: string, ms: number, error = false): TelemetrySpanJson {
  return {
    traceId, spanId, parentSpanId: '', name: 'PUT /api/images/:id', kind: 1, serviceName: 'draw64', serviceVersion: '',
    startTimeUnixNano: '1000000000', endTimeUnixNano: String(1_000_000_000 + ms * 1_000_000),
    attributes: {}, status: { code: error ? 2 : 0, message: '' }, events: [],
  }
}

function setUp(policy = { enabled: true, latencyMs: 100, ratio: 0 }) {
  let time = 0
  const delivered: TelemetrySpanJson[] = []
  const sampler = createTailSampler((kept) => delivered.push(kept), () => time)
  sampler.setPolicy(policy)
  return { sampler, delivered, advance: (ms: number) => ((time += ms), sampler.sweep()) }
}

const ids = (spans: TelemetrySpanJson[]) => spans.map((kept) => kept.spanId)

describe('createTailSampler', () => {
  it('waits for the local root, then keeps a trace with an error whole, its child included', () => {
    const { sampler, delivered, advance } = setUp()
    sampler.offer(span('a'.repeat(32), 'child', 1, true), false)
    advance(1000)
    expect(delivered).toEqual([])
    sampler.offer(span('a'.repeat(32), 'root', 2), true)
    advance(TAIL_LIMITS.waitMs - 1)
    expect(delivered).toEqual([])
    advance(1)
    expect(ids(delivered)).toEqual(['child', 'root'])
    expect(sampler.counts()).toMatchObject({ seen: 1, kept: 1, errorTracesSeen: 1, errorTracesKept: 1, pending: 0 })
  })

  it('keeps a slow trace, drops a fast one at ratio 0, and lets a late span follow its trace’s decision', () => {
    const { sampler, delivered, advance } = setUp()
    sampler.offer(span('b'.repeat(32), 'slow', 150), true)
    sampler.offer(span('c'.repeat(32), 'fast', 5), true)
    advance(TAIL_LIMITS.waitMs)
    sampler.offer(span('b'.repeat(32), 'late-kept', 1), false)
    sampler.offer(span('c'.repeat(32), 'late-dropped', 1), false)
    expect(ids(delivered)).toEqual(['slow', 'late-kept'])
    expect(sampler.counts()).toMatchObject({ seen: 2, kept: 1, dropped: 1, spansSeen: 4, spansKept: 2 })
  })

  it('keeps the ratio of the other traces by trace id, as TraceIdRatioBased does', () => {
    expect(keptByRatio('0'.repeat(24) + '3fffffff', 0.25)).toBe(true)
    expect(keptByRatio('0'.repeat(24) + '40000000', 0.25)).toBe(false)
    expect(keptByRatio('f'.repeat(32), 1)).toBe(true)
  })

  it('decides a trace whose root never ends after its maximum age', () => {
    const { sampler, delivered, advance } = setUp()
    sampler.offer(span('d'.repeat(32), 'orphan', 1, true), false)
    advance(TAIL_LIMITS.maxAgeMs)
    expect(ids(delivered)).toEqual(['orphan'])
  })

  it('stays bounded: past the pending limit the oldest trace is decided at once, spans past the per-trace limit are left out', () => {
    const { sampler, delivered } = setUp({ enabled: true, latencyMs: 100, ratio: 1 })
    for (let n = 0; n <= TAIL_LIMITS.maxPendingTraces; n++) sampler.offer(span(n.toString(16).padStart(32, '0'), `s${n}`, 1), false)
    expect(sampler.counts().pending).toBe(TAIL_LIMITS.maxPendingTraces)
    expect(ids(delivered)).toEqual(['s0'])
    for (let n = 0; n < TAIL_LIMITS.maxSpansPerTrace + 10; n++) sampler.offer(span('e'.repeat(32), `e${n}`, 1), false)
    sampler.setPolicy({ enabled: false, latencyMs: 100, ratio: 1 })
    expect(delivered.filter((kept) => kept.traceId === 'e'.repeat(32))).toHaveLength(TAIL_LIMITS.maxSpansPerTrace)
  })

  it('passes every span straight through while off', () => {
    const { sampler, delivered } = setUp({ enabled: false, latencyMs: 100, ratio: 0 })
    sampler.offer(span('f'.repeat(32), 'straight', 1), false)
    expect(ids(delivered)).toEqual(['straight'])
    expect(sampler.counts().seen).toBe(0)
  })
})
