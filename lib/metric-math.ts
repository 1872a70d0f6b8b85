// PromQL's rate() and histogram_quantile(), computed in the browser from two scrapes of /metrics.

export interface CounterReading {
  value: number
  timeMs: number
}

/** One cumulative bucket of a classic histogram: observations ≤ `le`. */
export interface HistogramBucket {
  le: number
  count: number
}

/** Per-second increase between two readings; NaN when the interval is not positive. */
export function counterRate(prev: CounterReading, curr: CounterReading): number {
  const seconds = (curr.timeMs - prev.timeMs) / 1000
  if (!(seconds > 0)) return Number.NaN
  return counterIncrease(prev.value, curr.value) / seconds
}

/** How much a counter went up from `prev` to `curr`. */
export function counterIncrease(prev: number, curr: number): number {
  // A counter that went down was reset (process restart): it counted up again from 0.
  return curr >= prev ? curr - prev : curr
}

/** The `q` quantile of cumulative buckets, as Prometheus' histogram_quantile computes it. */
export function histogramQuantile(q: number, buckets: readonly HistogramBucket[]): number {
  if (Number.isNaN(q)) return Number.NaN
  if (q < 0) return Number.NEGATIVE_INFINITY
  if (q > 1) return Number.POSITIVE_INFINITY
  const sorted = ensureMonotonic(coalesce([...buckets].sort((a, b) => a.le - b.le)))
  if (sorted.length < 2 || sorted[sorted.length - 1]!.le !== Number.POSITIVE_INFINITY) return Number.NaN
  const observations = sorted[sorted.length - 1]!.count
  if (observations === 0) return Number.NaN

  let rank = q * observations
  const b = firstIndexAtLeast(sorted, rank)
  if (b === sorted.length - 1) return sorted[sorted.length - 2]!.le
  if (b === 0 && sorted[0]!.le <= 0) return sorted[0]!.le

  const bucketEnd = sorted[b]!.le
  let bucketStart = 0
  let count = sorted[b]!.count
  if (b > 0) {
    bucketStart = sorted[b - 1]!.le
    count -= sorted[b - 1]!.count
    rank -= sorted[b - 1]!.count
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count)
}

/** Observations made between two snapshots, per bucket: the histogram of that window. */
export function bucketDeltas(
  prev: readonly HistogramBucket[],
  curr: readonly HistogramBucket[],
): HistogramBucket[] {
  const before = new Map(prev.map((bucket) => [bucket.le, bucket.count]))
  const deltas = curr.map((bucket) => ({ le: bucket.le, count: bucket.count - (before.get(bucket.le) ?? 0) }))
  // A bucket that went down means the process restarted: everything in curr is new.
  if (deltas.some((bucket) => bucket.count < 0)) return curr.map((bucket) => ({ ...bucket }))
  return deltas
}

// Same bound twice (series merged upstream): Prometheus adds them up.
function coalesce(sorted: HistogramBucket[]): HistogramBucket[] {
  const merged: HistogramBucket[] = []
  for (const bucket of sorted) {
    const last = merged[merged.length - 1]
    if (last && last.le === bucket.le) last.count += bucket.count
    else merged.push({ ...bucket })
  }
  return merged
}

// Counts must not decrease with `le` for the search below; Prometheus takes the envelope.
function ensureMonotonic(sorted: HistogramBucket[]): HistogramBucket[] {
  let max = Number.NEGATIVE_INFINITY
  for (const bucket of sorted) {
    max = Math.max(max, bucket.count)
    bucket.count = max
  }
  return sorted
}

// Go's sort.Search over all but the +Inf bucket: returns sorted.length - 1 when none qualifies.
function firstIndexAtLeast(sorted: HistogramBucket[], rank: number): number {
  const last = sorted.length - 1
  for (let i = 0; i < last; i++) {
    if (sorted[i]!.count >= rank) return i
  }
  return last
}
