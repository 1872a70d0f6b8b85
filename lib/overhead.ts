// The telemetry tax's arithmetic, shared by the measurement (demo/control/overhead.ts), its CLI
// (`npm run bench:overhead`) and the slide (OverheadMeter): what a server's slices add up to,
// and the sentence that compares them. Browser-safe.
import type { OverheadFigures, OverheadVariantId } from './wire.ts'

/** What the measurement keeps of one server while it runs. */
export interface Tally {
  id: OverheadVariantId
  requests: number
  failed: number
  /** Time under load, summed over its slices. */
  elapsedMs: number
  /** CPU time the server itself counted during its slices. */
  cpuMicros: number
  peakRssBytes: number
  /** Latencies of the 2xx answers, in ms, as the load tool timed them (bounded by the caller). */
  latenciesMs: number[]
}

export const emptyTally = (id: OverheadVariantId): Tally => ({ id, requests: 0, failed: 0, elapsedMs: 0, cpuMicros: 0, peakRssBytes: 0, latenciesMs: [] })

/** The q-quantile (0–1) by the nearest-rank method; 0 for no value. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

const round = (value: number, digits: number) => Number(value.toFixed(digits))

export function figuresOf(tally: Tally): OverheadFigures {
  const sorted = [...tally.latenciesMs].sort((a, b) => a - b)
  const seconds = tally.elapsedMs / 1000
  return {
    id: tally.id,
    requests: tally.requests,
    failed: tally.failed,
    seconds: round(seconds, 2),
    requestsPerSecond: seconds > 0 ? Math.round(tally.requests / seconds) : 0,
    p50Ms: round(quantile(sorted, 0.5), 2),
    p99Ms: round(quantile(sorted, 0.99), 2),
    cpuSecondsPer1000: tally.requests > 0 ? round(tally.cpuMicros / 1e6 / (tally.requests / 1000), 3) : 0,
    rssMiB: Math.round(tally.peakRssBytes / 2 ** 20),
  }
}

/** Throughput of `id` against telemetry off (1 = no cost); undefined until both are measured. */
export function throughputRatio(figures: readonly OverheadFigures[], id: OverheadVariantId): number | undefined {
  const off = figures.find((entry) => entry.id === 'off')?.requestsPerSecond
  const other = figures.find((entry) => entry.id === id)?.requestsPerSecond
  return off && other !== undefined ? other / off : undefined
}

const decimal = (value: number, digits: number) => value.toFixed(digits).replace('.', ',')
/** "10 %", "0,5 %", "100 %": the ratio as the slide says it (French, non-breaking space). */
export const percent = (ratio: number) => `${decimal(ratio * 100, ratio * 100 < 1 ? 1 : 0).replace(/,0$/, '')}\u00a0%`

/** The slide's and the CLI's conclusion: « avec télémétrie : 0,52× le débit · échantillonnée à 10 % : 0,81× ». */
export function ratioLine(figures: readonly OverheadFigures[], ratio: number): string {
  const on = throughputRatio(figures, 'on')
  const sampled = throughputRatio(figures, 'sampled')
  const parts = [
    on !== undefined && `avec télémétrie\u00a0: ${decimal(on, 2)}× le débit`,
    sampled !== undefined && `échantillonnée à ${percent(ratio)}\u00a0: ${decimal(sampled, 2)}×`,
  ].filter((part): part is string => typeof part === 'string')
  return parts.length > 0 ? parts.join(' · ') : ''
}
