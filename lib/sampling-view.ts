// What the SamplingControl slide shows, from two polls of /api/demo/sampling and two scrapes
// of /metrics: requests per second from the metrics (never sampled), spans per second the SDK
// recorded (after head sampling) and spans per second the slides' buffer got (after the tail
// policy), and the head choices the slide offers. Framework-free, so it is unit-tested.
import { counterRate } from './metric-math.ts'
import type { HeadSampling, SamplingState } from './wire.ts'

export interface StampedSampling {
  timeMs: number
  sampling: SamplingState
}

export interface SamplingRates {
  spansRecorded: number
  spansKept: number
}

/** Spans per second between two polls; NaN with fewer than two. */
export function samplingRates(polls: readonly StampedSampling[]): SamplingRates {
  const [prev, curr] = polls.slice(-2)
  if (!prev || !curr) return { spansRecorded: Number.NaN, spansKept: Number.NaN }
  const rateOf = (key: 'spansSeen' | 'spansKept') =>
    counterRate({ timeMs: prev.timeMs, value: prev.sampling.counts[key] }, { timeMs: curr.timeMs, value: curr.sampling.counts[key] })
  return { spansRecorded: rateOf('spansSeen'), spansKept: rateOf('spansKept') }
}

/** The head choices of the slide: the SDK's three samplers, the ratio at two settings. */
export const HEAD_CHOICES: readonly { label: string; head: HeadSampling }[] = [
  { label: 'tout', head: { mode: 'parentbased_always_on', ratio: 1 } },
  { label: '25\u202f%', head: { mode: 'parentbased_traceidratio', ratio: 0.25 } },
  { label: '5\u202f%', head: { mode: 'parentbased_traceidratio', ratio: 0.05 } },
  { label: 'rien', head: { mode: 'always_off', ratio: 1 } },
]

export function isChosen(choice: HeadSampling, current: HeadSampling | undefined): boolean {
  if (!current || choice.mode !== current.mode) return false
  return choice.mode !== 'parentbased_traceidratio' || choice.ratio === current.ratio
}

const figure = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 })

/** `42` per second, or a dash when the rate is not known yet. */
export function perSecond(value: number): string {
  return Number.isFinite(value) ? figure.format(value) : '–'
}
