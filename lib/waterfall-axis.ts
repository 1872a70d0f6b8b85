// The time axis of a trace waterfall: round tick values, and durations written for a projector.

export interface AxisTick {
  ms: number
  /** Position on the axis, 0 at the trace's start, 100 at its end. */
  pct: number
  label: string
}

/** At most `maxTicks` ticks at round values (1, 2 or 5 × 10ⁿ ms) from 0 to the trace's duration. */
export function axisTicks(totalMs: number, maxTicks = 5): AxisTick[] {
  if (!(totalMs > 0) || !Number.isFinite(totalMs) || maxTicks < 2) return [{ ms: 0, pct: 0, label: '0 ms' }]
  const { step, decimals } = niceStep(totalMs, maxTicks)
  const ticks: AxisTick[] = []
  // The epsilon keeps a tick that lands exactly on the end despite floating-point error.
  for (let i = 0; i * step <= totalMs * (1 + 1e-9); i++) {
    const ms = i * step
    ticks.push({ ms, pct: (ms / totalMs) * 100, label: `${ms.toFixed(i === 0 ? 0 : decimals)} ms` })
  }
  return ticks
}

/** A duration in milliseconds with as many decimals as a glance needs: 0.42 ms, 12.3 ms, 152 ms. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0 ms'
  if (ms < 0.01) return '< 0.01 ms'
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  return `${Math.round(ms)} ms`
}

const NICE_FACTORS = [1, 2, 5]

// The smallest round step that puts at most `maxTicks` ticks on [0, total].
function niceStep(totalMs: number, maxTicks: number): { step: number; decimals: number } {
  for (let exponent = Math.floor(Math.log10(totalMs / maxTicks)); ; exponent++) {
    for (const factor of NICE_FACTORS) {
      const step = factor * 10 ** exponent
      if (Math.floor((totalMs * (1 + 1e-9)) / step) + 1 <= maxTicks) {
        return { step, decimals: Math.max(0, -exponent) }
      }
    }
  }
}
