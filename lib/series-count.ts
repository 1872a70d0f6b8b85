// How many series a Prometheus scrape holds, total and per metric family, counted from the
// samples lib/prometheus-text.ts parsed: each sample line is one series (each bucket of a
// histogram is one), as Prometheus stores them. CardinalityMeter draws these numbers.
import type { MetricFamily } from './prometheus-text.ts'

/** The label the SDK puts on the one series that absorbs attribute sets past the cardinality limit. */
export const OVERFLOW_LABEL = 'otel_metric_overflow'

export interface FamilySeries {
  name: string
  series: number
  /** Samples of this family carrying otel_metric_overflow="true". */
  overflow: number
}

export interface SeriesCount {
  total: number
  /** Largest first; ties in the scrape's order. */
  families: FamilySeries[]
}

const isOverflow = (labels: Record<string, string>) => labels[OVERFLOW_LABEL] === 'true'

export function countSeries(families: readonly MetricFamily[]): SeriesCount {
  const counted = families
    .map((family) => ({ name: family.name, series: family.samples.length, overflow: family.samples.filter((sample) => isOverflow(sample.labels)).length }))
    .filter((family) => family.series > 0)
  const total = counted.reduce((sum, family) => sum + family.series, 0)
  return { total, families: counted.sort((a, b) => b.series - a.series) }
}

/** One family's series, 0 when the scrape has none (a counter nobody has incremented yet). */
export function seriesOf(count: SeriesCount, familyName: string): FamilySeries {
  return count.families.find((family) => family.name === familyName) ?? { name: familyName, series: 0, overflow: 0 }
}
