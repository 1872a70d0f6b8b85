import { describe, expect, it } from 'vitest'
import { emptyTally, figuresOf, percent, quantile, ratioLine, throughputRatio } from '../../lib/overhead.ts'
import type { OverheadFigures } from '../../lib/wire.ts'

const figures = (id: OverheadFigures['id'], requestsPerSecond: number): OverheadFigures => ({
  id, requests: requestsPerSecond * 3, failed: 0, seconds: 3, requestsPerSecond, p50Ms: 1, p99Ms: 2, cpuSecondsPer1000: 0.1, rssMiB: 80,
})

describe('the telemetry tax arithmetic', () => {
  it('takes quantiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, n) => n + 1)
    expect(quantile(sorted, 0.5)).toBe(50)
    expect(quantile(sorted, 0.99)).toBe(99)
    expect(quantile([7], 0.99)).toBe(7)
    expect(quantile([], 0.5)).toBe(0)
  })

  it('turns a tally into req/s, latencies, CPU seconds per 1,000 draws and RSS', () => {
    const tally = { ...emptyTally('on'), requests: 6000, failed: 2, elapsedMs: 3000, cpuMicros: 1_500_000, peakRssBytes: 96 * 2 ** 20, latenciesMs: [3, 1, 2, 10] }
    expect(figuresOf(tally)).toEqual({ id: 'on', requests: 6000, failed: 2, seconds: 3, requestsPerSecond: 2000, p50Ms: 2, p99Ms: 10, cpuSecondsPer1000: 0.25, rssMiB: 96 })
  })

  it('reads nothing into a server not measured yet', () => {
    expect(figuresOf(emptyTally('off'))).toMatchObject({ requestsPerSecond: 0, cpuSecondsPer1000: 0, p50Ms: 0 })
    expect(throughputRatio([figures('on', 2000)], 'on')).toBeUndefined()
    expect(ratioLine([figures('off', 4000)], 0.1)).toBe('')
  })

  it('says the ratio to telemetry off as the slide does, in French', () => {
    const all = [figures('off', 4000), figures('on', 2080), figures('sampled', 3240)]
    expect(throughputRatio(all, 'on')).toBeCloseTo(0.52)
    expect(ratioLine(all, 0.1)).toBe('avec télémétrie\u00a0: 0,52× le débit · échantillonnée à 10\u00a0%\u00a0: 0,81×')
    expect(ratioLine(all.slice(0, 2), 0.1)).toBe('avec télémétrie\u00a0: 0,52× le débit')
  })

  it('writes sampling ratios as percentages', () => {
    expect(percent(0.1)).toBe('10\u00a0%')
    expect(percent(1)).toBe('100\u00a0%')
    expect(percent(0.01)).toBe('1\u00a0%')
    expect(percent(0.005)).toBe('0,5\u00a0%')
  })
})
