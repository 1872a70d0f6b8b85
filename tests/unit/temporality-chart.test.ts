import { describe, expect, it } from 'vitest'
import { CHART_HEIGHT, temporalityChart } from '../../lib/temporality-chart.ts'
import type { TemporalityPoint } from '../../lib/wire.ts'

const point = (second: number, delta: number, cumulative: number): TemporalityPoint => ({
  timeMs: Date.UTC(2026, 11, 4, 9, 0, second),
  delta: { startMs: 0, endMs: 0, value: delta },
  cumulative: { startMs: 0, endMs: 0, value: cumulative },
})

describe('temporalityChart', () => {
  const chart = temporalityChart([point(1, 3, 3), point(2, 5, 8), point(3, 0, 8), point(4, 2, 10)])

  it('draws each delta as a bar, the largest full height, an empty tick as nothing', () => {
    expect(chart.bars.map((bar) => bar.height)).toEqual([(3 / 5) * CHART_HEIGHT, CHART_HEIGHT, 0, (2 / 5) * CHART_HEIGHT])
    expect(chart.bars[1]!.x).toBeGreaterThan(chart.bars[0]!.x)
  })

  it('draws the cumulative values as a rising line, from its lowest to its highest reading', () => {
    // 3 → 8 → 8 → 10: scaled on 3–10
    expect(chart.line).toBe('0.0,40.0 33.3,11.4 66.7,11.4 100.0,0.0')
  })

  it('lists the last readings as the table rows, newest last', () => {
    expect(chart.rows.map((row) => [row.delta, row.cumulative])).toEqual([[5, 8], [0, 8], [2, 10]])
    expect(chart.rows[0]!.time).toMatch(/\d\d:\d\d:02/)
  })

  it('draws no line and no bar without readings', () => {
    expect(temporalityChart([])).toEqual({ bars: [], line: '', rows: [] })
  })
})
