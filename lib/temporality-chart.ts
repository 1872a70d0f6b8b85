// What the Temporality slide draws from the demo's paired readings (GET /api/telemetry/temporality):
// the delta values as bars, the cumulative ones as a line, on a 100 × 40 box each, and the last
// rows of the table "time · delta · cumulative". Framework-free, so it is unit-tested.
import type { TemporalityPoint } from './wire.ts'

export const CHART_WIDTH = 100
export const CHART_HEIGHT = 40

export interface Bar {
  x: number
  width: number
  height: number
}

export interface TemporalityChart {
  bars: Bar[]
  /** SVG polyline points of the cumulative values; empty under two readings. */
  line: string
  rows: { time: string; delta: number; cumulative: number }[]
}

const clock = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', second: '2-digit' })

/** Each series scaled to its own maximum: the point is their shapes, a step and a staircase. */
export function temporalityChart(points: readonly TemporalityPoint[], rowCount = 3): TemporalityChart {
  const slot = CHART_WIDTH / Math.max(points.length, 1)
  const deltaMax = Math.max(1, ...points.map((point) => point.delta.value))
  const cumulativeValues = points.map((point) => point.cumulative.value)
  const low = Math.min(...cumulativeValues)
  const range = Math.max(1, Math.max(...cumulativeValues) - low)
  const bars = points.map((point, i) => ({ x: i * slot + slot * 0.15, width: slot * 0.7, height: (point.delta.value / deltaMax) * CHART_HEIGHT }))
  const line =
    points.length < 2
      ? ''
      : points
          .map((point, i) => `${((i / (points.length - 1)) * CHART_WIDTH).toFixed(1)},${(CHART_HEIGHT - ((point.cumulative.value - low) / range) * CHART_HEIGHT).toFixed(1)}`)
          .join(' ')
  const rows = points.slice(-rowCount).map((point) => ({ time: clock.format(point.timeMs), delta: point.delta.value, cumulative: point.cumulative.value }))
  return { bars, line, rows }
}
