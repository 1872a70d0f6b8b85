// What the DemoControls panel shows, in French: one row per fault flag (as the server's
// catalogue describes it), the choices of rate and duration, the load's three big numbers and
// the message of a failed call. The calls themselves are lib/demo-control-api.ts.
import { defaultFaultStates } from '../demo/control/faults.ts'
import { DemoControlError } from './demo-control-api.ts'
import type { AutoscalerStatus, FaultState, LoadRequest, LoadStatus, ReplicaInfo } from './wire.ts'

export type Faults = Record<string, FaultState>

/** Requests per second the panel offers, and how long a load may run (the server caps it at 600 s). */
export const RATE_CHOICES = [20, 100, 200]
export const DEFAULT_RATE = 100
export const DURATION_CHOICES = [30, 60, 120, 300]
export const DEFAULT_DURATION_SECONDS = 60

/** The flags the server starts with, from the same catalogue: the print view and the fallback. */
export const DEFAULT_FAULTS: Faults = defaultFaultStates()

export const NO_LOAD: LoadStatus = { running: false, rateAsked: 0, rateAchieved: 0, endsAt: null }

export interface FaultRow {
  name: string
  description: string
  /** `+300 ms` for a latency, `50 %` for a share of errors. */
  valueText: string
  flag: FaultState
}

const valueFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 })

/** The panel's rows, in the catalogue's order. */
export function faultRows(faults: Faults): FaultRow[] {
  return Object.entries(faults).map(([name, flag]) => {
    const amount = `${valueFormat.format(flag.value)}\u202f${flag.unit}`
    return { name, description: flag.description, valueText: flag.unit === 'ms' ? `+${amount}` : amount, flag }
  })
}

/** The choice after `current`, back to the first after the last. */
export function nextChoice(choices: readonly number[], current: number): number {
  return choices.find((value) => value > current) ?? choices[0] ?? current
}

/** Whole seconds until `endsAt`, never negative; undefined when no load is running. */
export function secondsLeft(load: LoadStatus, nowMs: number): number | undefined {
  if (!load.running || !load.endsAt) return undefined
  const ends = Date.parse(load.endsAt)
  return Number.isNaN(ends) ? undefined : Math.max(0, Math.ceil((ends - nowMs) / 1000))
}

const rateFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 })

export interface LoadFigure {
  key: 'asked' | 'achieved' | 'left'
  value: string
  /** Written right after the value, in smaller type. */
  unit: string
  label: string
}

/** The panel's three big numbers; before a load runs, what the next one would ask. */
export function loadFigures(load: LoadStatus, next: LoadRequest, nowMs: number): LoadFigure[] {
  const left = secondsLeft(load, nowMs)
  return [
    { key: 'asked', value: rateFormat.format(load.running ? load.rateAsked : next.rate), unit: '/s', label: 'demandé' },
    { key: 'achieved', value: rateFormat.format(load.running ? load.rateAchieved : 0), unit: '/s', label: 'obtenu' },
    { key: 'left', value: String(left ?? next.durationSeconds), unit: '\u202fs', label: load.running ? 'restantes' : 'durée' },
  ]
}

/** The French message the panel shows for a failed call. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof DemoControlError) || error.status === 0 || error.status >= 500) return 'démo injoignable'
  if (error.forbidden) return 'Pilotage réservé à la machine du speaker'
  if (error.status === 409) return 'Une charge tourne déjà'
  return error.message
}

/** The version a rollout goes to: one past the highest numbered one running ("1" → "2"). */
export function nextVersion(replicas: readonly ReplicaInfo[]): string {
  const numbers = replicas.map((replica) => Number.parseInt(replica.version, 10)).filter(Number.isFinite)
  return String(Math.max(0, ...numbers) + 1)
}

/**
 * The autoscaler in one line for the room: its last decision, how long ago, and why (« p95 340 ms
 * > 200 ms pendant 10 s → +1 réplique »); whether it is on, before any decision. Undefined
 * without an autoscaler (a Draw64 alone).
 */
export function autoscalerLine(status: AutoscalerStatus | undefined, nowMs: number): string | undefined {
  if (!status) return undefined
  const state = status.enabled ? 'allumé' : 'éteint'
  const decision = status.lastDecision
  if (!decision) return `Auto ${state}\u00a0: aucune décision encore`
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(decision.time)) / 1000))
  return `Auto ${state}, décision il y a ${seconds}\u00a0s\u00a0: ${decision.reason}`
}

/** Each replica state as the panel says it, with its dot's colour. */
export const REPLICA_STATES: Record<ReplicaInfo['state'], { label: string; dot: string }> = {
  starting: { label: 'démarre', dot: 'bg-amber-400 animate-pulse' },
  ready: { label: 'prête', dot: 'bg-green-400' },
  unhealthy: { label: 'malade', dot: 'bg-orange-500' },
  draining: { label: 'se vide', dot: 'bg-sky-400 animate-pulse' },
  crashed: { label: 'tuée', dot: 'bg-red-500' },
}

/** A refused replica action, in French: the bounds and the rollout are the usual reasons. */
export function replicaErrorMessage(error: unknown): string {
  if (!(error instanceof DemoControlError) || error.status !== 409) return errorMessage(error)
  if (/at most/.test(error.message)) return 'Quatre répliques au plus'
  if (/last replica/.test(error.message)) return 'La dernière réplique reste : la démo en garde une'
  if (/rollout/.test(error.message)) return 'Un déploiement est en cours'
  return error.message
}
