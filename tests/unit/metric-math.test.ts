import { describe, it, expect } from 'vitest'
import { bucketDeltas, counterRate, histogramQuantile } from '../../lib/metric-math.ts'

// Cumulative buckets: 10 observations ≤ 0.1, 20 in ]0.1, 0.5], 10 in ]0.5, 1], none above; 40 in all.
const latency = [
  { le: 0.1, count: 10 },
  { le: 0.5, count: 30 },
  { le: 1, count: 40 },
  { le: Infinity, count: 40 },
]

describe('counterRate', () => {
  it('divides the increase by the elapsed seconds', () => {
    // (160 - 100) / 30 s = 2 per second
    expect(counterRate({ value: 100, timeMs: 0 }, { value: 160, timeMs: 30_000 })).toBe(2)
  })

  it('returns 0 when the counter did not move', () => {
    expect(counterRate({ value: 42, timeMs: 1_000 }, { value: 42, timeMs: 6_000 })).toBe(0)
  })

  it('counts from 0 after a reset, as Prometheus rate() does', () => {
    // 500 → 30 means a restart: 30 new events in 15 s = 2 per second
    expect(counterRate({ value: 500, timeMs: 10_000 }, { value: 30, timeMs: 25_000 })).toBe(2)
  })

  it('returns NaN when no time elapsed or time went backwards', () => {
    expect(counterRate({ value: 1, timeMs: 5_000 }, { value: 9, timeMs: 5_000 })).toBeNaN()
    expect(counterRate({ value: 1, timeMs: 5_000 }, { value: 9, timeMs: 4_000 })).toBeNaN()
  })
})

describe('histogramQuantile', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    // rank = 0.5 × 40 = 20 → bucket ]0.1, 0.5] (cumulative 30 ≥ 20), which holds 30 − 10 = 20;
    // 20 − 10 = 10 of them are needed: 0.1 + (0.5 − 0.1) × 10/20 = 0.3
    expect(histogramQuantile(0.5, latency)).toBeCloseTo(0.3, 12)
    // rank = 0.95 × 40 = 38 → bucket ]0.5, 1] holds 10, 38 − 30 = 8 needed: 0.5 + 0.5 × 8/10 = 0.9
    expect(histogramQuantile(0.95, latency)).toBeCloseTo(0.9, 12)
  })

  it('starts the lowest bucket at 0 when its upper bound is positive', () => {
    // rank = 0.1 × 40 = 4 → first bucket [0, 0.1] holds 10: 0 + 0.1 × 4/10 = 0.04
    expect(histogramQuantile(0.1, latency)).toBeCloseTo(0.04, 12)
  })

  it('returns the upper bound of the lowest bucket when that bound is not positive', () => {
    const signed = [
      { le: -1, count: 5 },
      { le: 0, count: 10 },
      { le: 1, count: 20 },
      { le: Infinity, count: 20 },
    ]
    // rank = 0.1 × 20 = 2 falls in the lowest bucket (le = -1 ≤ 0): -1 itself
    expect(histogramQuantile(0.1, signed)).toBe(-1)
    // rank = 0.4 × 20 = 8 → ]-1, 0] holds 5, 8 − 5 = 3 needed: -1 + 1 × 3/5 = -0.4
    expect(histogramQuantile(0.4, signed)).toBeCloseTo(-0.4, 12)
  })

  it('returns the upper bound of the highest finite bucket when the quantile falls in +Inf', () => {
    const withSlowTail = [...latency.slice(0, 3), { le: Infinity, count: 50 }]
    // rank = 0.9 × 50 = 45 > 40 (count up to le=1): the rank lies in ]1, +Inf] → 1
    expect(histogramQuantile(0.9, withSlowTail)).toBe(1)
  })

  it('reaches the top of the last finite bucket at q = 1 when +Inf is empty', () => {
    // rank = 40 → bucket ]0.5, 1], 10 of 10 needed: 0.5 + 0.5 × 10/10 = 1
    expect(histogramQuantile(1, latency)).toBe(1)
  })

  it('sorts the buckets itself', () => {
    expect(histogramQuantile(0.5, [...latency].reverse())).toBeCloseTo(0.3, 12)
  })

  it('adds up buckets that share an upper bound', () => {
    // 4 + 6 at le=0.1 make the same histogram as `latency`: 0.3 again
    const split = [{ le: 0.1, count: 4 }, { le: 0.1, count: 6 }, ...latency.slice(1)]
    expect(histogramQuantile(0.5, split)).toBeCloseTo(0.3, 12)
  })

  it('raises a decreasing bucket count to the previous one before searching', () => {
    const inconsistent = [
      { le: 0.1, count: 10 },
      { le: 0.5, count: 8 },
      { le: 1, count: 20 },
      { le: Infinity, count: 20 },
    ]
    // le=0.5 becomes 10; rank = 0.6 × 20 = 12 → ]0.5, 1] holds 10, 2 needed: 0.5 + 0.5 × 2/10 = 0.6
    // (without the correction it would be 0.5 + 0.5 × 4/12 ≈ 0.667)
    expect(histogramQuantile(0.6, inconsistent)).toBeCloseTo(0.6, 12)
  })

  it('returns NaN when the histogram has no observation', () => {
    expect(histogramQuantile(0.5, latency.map((b) => ({ ...b, count: 0 })))).toBeNaN()
  })

  it('returns NaN without a +Inf bucket, with fewer than two buckets, or for no bucket at all', () => {
    expect(histogramQuantile(0.5, latency.slice(0, 3))).toBeNaN()
    expect(histogramQuantile(0.5, [{ le: Infinity, count: 3 }])).toBeNaN()
    expect(histogramQuantile(0.5, [])).toBeNaN()
  })

  it('returns -Inf for q < 0, +Inf for q > 1 and NaN for q = NaN', () => {
    expect(histogramQuantile(-0.1, latency)).toBe(-Infinity)
    expect(histogramQuantile(1.1, latency)).toBe(Infinity)
    expect(histogramQuantile(Number.NaN, latency)).toBeNaN()
  })

  it('leaves its input untouched', () => {
    const input = [{ le: Infinity, count: 40 }, { le: 0.5, count: 8 }, { le: 0.1, count: 10 }]
    const copy = structuredClone(input)
    histogramQuantile(0.5, input)
    expect(input).toEqual(copy)
  })
})

describe('bucketDeltas', () => {
  const later = [
    { le: 0.1, count: 12 },
    { le: 0.5, count: 40 },
    { le: 1, count: 55 },
    { le: Infinity, count: 56 },
  ]

  it('subtracts the earlier snapshot bucket by bucket', () => {
    // 12−10, 40−30, 55−40, 56−40
    expect(bucketDeltas(latency, later)).toEqual([
      { le: 0.1, count: 2 },
      { le: 0.5, count: 10 },
      { le: 1, count: 15 },
      { le: Infinity, count: 16 },
    ])
  })

  it('gives the quantile of the window only', () => {
    // window: 16 observations, rank = 8 → ]0.1, 0.5] holds 10 − 2 = 8, 8 − 2 = 6 needed:
    // 0.1 + 0.4 × 6/8 = 0.4 (since start, `later` alone: rank 28, 0.1 + 0.4 × 16/28 ≈ 0.329)
    expect(histogramQuantile(0.5, bucketDeltas(latency, later))).toBeCloseTo(0.4, 12)
  })

  it('uses the current snapshot when a bucket went down (the process restarted)', () => {
    const afterRestart = [
      { le: 0.1, count: 1 },
      { le: 0.5, count: 2 },
      { le: 1, count: 3 },
      { le: Infinity, count: 3 },
    ]
    expect(bucketDeltas(latency, afterRestart)).toEqual(afterRestart)
  })

  it('counts buckets missing from the earlier snapshot from 0 (a series seen for the first time)', () => {
    expect(bucketDeltas([], later)).toEqual(later)
  })

  it('returns new objects', () => {
    const result = bucketDeltas([], later)
    result[0]!.count = 999
    expect(later[0]!.count).toBe(12)
  })
})
