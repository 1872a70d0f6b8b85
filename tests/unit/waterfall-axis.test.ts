import { describe, it, expect } from 'vitest'
import { axisTicks, formatDuration } from '../../lib/waterfall-axis.ts'

describe('axisTicks', () => {
  it('takes the smallest round step that fits, so a short trace still gets a few ticks', () => {
    expect(axisTicks(1.64, 4).map((tick) => tick.label)).toEqual(['0 ms', '0.5 ms', '1.0 ms', '1.5 ms'])
    expect(axisTicks(3.75, 4).map((tick) => tick.label)).toEqual(['0 ms', '1 ms', '2 ms', '3 ms'])
  })

  it('places round ticks from 0 to the duration, at most the number asked', () => {
    const ticks = axisTicks(10.5, 5)
    expect(ticks.map((tick) => tick.label)).toEqual(['0 ms', '5 ms', '10 ms'])
    expect(ticks.map((tick) => tick.pct)).toEqual([0, (5 / 10.5) * 100, (10 / 10.5) * 100])
  })

  it('writes sub-millisecond ticks with the decimals their step needs', () => {
    expect(axisTicks(0.9, 5).map((tick) => tick.label)).toEqual(['0 ms', '0.2 ms', '0.4 ms', '0.6 ms', '0.8 ms'])
    expect(axisTicks(0.09, 4).map((tick) => tick.label)).toEqual(['0 ms', '0.05 ms'])
    expect(axisTicks(0.38, 5).map((tick) => tick.label)).toEqual(['0 ms', '0.1 ms', '0.2 ms', '0.3 ms'])
  })

  it('keeps a tick that lands exactly on the end', () => {
    expect(axisTicks(8, 5).map((tick) => tick.ms)).toEqual([0, 2, 4, 6, 8])
    expect(axisTicks(8, 5).at(-1)!.pct).toBe(100)
  })

  it('never exceeds the number of ticks asked', () => {
    for (const total of [0.013, 0.7, 3.3, 9.99, 47, 120, 999, 1234, 60_000]) {
      const ticks = axisTicks(total, 5)
      expect(ticks.length).toBeGreaterThanOrEqual(2)
      expect(ticks.length).toBeLessThanOrEqual(5)
      expect(ticks.at(-1)!.ms).toBeLessThanOrEqual(total * (1 + 1e-9))
    }
  })

  it('gives a lone 0 tick for a zero, negative or non-finite duration', () => {
    for (const total of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(axisTicks(total)).toEqual([{ ms: 0, pct: 0, label: '0 ms' }])
    }
  })
})

describe('formatDuration', () => {
  it('shows two decimals under 10 ms, one under 100 ms, none above', () => {
    expect(formatDuration(0.4213)).toBe('0.42 ms')
    expect(formatDuration(3.316)).toBe('3.32 ms')
    expect(formatDuration(10.518)).toBe('10.5 ms')
    expect(formatDuration(152.4)).toBe('152 ms')
    expect(formatDuration(1520.2)).toBe('1520 ms')
  })

  it('says "< 0.01 ms" for a tiny span and "0 ms" for an empty or invalid one', () => {
    expect(formatDuration(0.004)).toBe('< 0.01 ms')
    expect(formatDuration(0)).toBe('0 ms')
    expect(formatDuration(-1)).toBe('0 ms')
    expect(formatDuration(Number.NaN)).toBe('0 ms')
  })
})
