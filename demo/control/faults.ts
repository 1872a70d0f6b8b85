// Named fault flags, like the OpenTelemetry Demo's feature flags: each one is switched at run
// time and makes one step of a draw misbehave, so that the talk can show a real incident.
// Every flag is off at start.
import { logger } from '../logger.ts'

export const FAULT_NAMES = ['drawLatency', 'drawErrors', 'slowDatabase'] as const
export type FaultName = (typeof FAULT_NAMES)[number]

interface FaultSpec {
  unit: 'ms' | '%'
  defaultValue: number
  max: number
  description: string
}

export const FAULT_SPECS: Record<FaultName, FaultSpec> = {
  drawLatency: { unit: 'ms', defaultValue: 300, max: 10_000, description: 'Chaque tracé attend avant d’être appliqué' },
  drawErrors: { unit: '%', defaultValue: 50, max: 100, description: 'Une part des tracés échoue (500)' },
  slowDatabase: { unit: 'ms', defaultValue: 20, max: 1000, description: 'Chaque requête SQLite ralentit' },
}

export interface FaultState {
  enabled: boolean
  value: number
  unit: FaultSpec['unit']
  description: string
}

export class InjectedFaultError extends Error {
  constructor(readonly fault: FaultName) {
    super(`injected fault ${fault}: the draw failed on purpose`)
    this.name = 'InjectedFaultError'
  }
}

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name)
}

// A synchronous sleep that does not spin: better-sqlite3 is synchronous, so a slow disk
// blocks the whole event loop, and so does this.
const sleeper = new Int32Array(new SharedArrayBuffer(4))
const blockFor = (ms: number) => Atomics.wait(sleeper, 0, 0, ms)

export function createFaults(random: () => number = Math.random) {
  const state = new Map<FaultName, { enabled: boolean; value: number }>(
    FAULT_NAMES.map((name) => [name, { enabled: false, value: FAULT_SPECS[name].defaultValue }]),
  )
  const active = (name: FaultName) => (state.get(name)!.enabled ? state.get(name)!.value : 0)

  function describe(name: FaultName): FaultState {
    const { unit, description } = FAULT_SPECS[name]
    return { ...state.get(name)!, unit, description }
  }

  return {
    list: (): Record<FaultName, FaultState> =>
      Object.fromEntries(FAULT_NAMES.map((name) => [name, describe(name)])) as Record<FaultName, FaultState>,
    set(name: FaultName, enabled: boolean, value = state.get(name)!.value): FaultState {
      state.set(name, { enabled, value })
      return describe(name)
    },
    /** drawLatency: resolves after the configured delay (0 when off). */
    drawDelay: (): Promise<void> => {
      const ms = active('drawLatency')
      if (ms === 0) return Promise.resolve()
      // The log line of the talk's incident: it carries the trace id of the draw it holds.
      logger.warn({ fault: 'drawLatency', delayMs: ms }, `draw held ${ms} ms by fault drawLatency`)
      return new Promise((resolve) => setTimeout(resolve, ms))
    },
    /** drawErrors: throws for the configured share of draws. */
    maybeFailDraw(): void {
      if (random() * 100 < active('drawErrors')) throw new InjectedFaultError('drawErrors')
    },
    /** slowDatabase: called before every SQLite statement. */
    beforeStatement(): void {
      const ms = active('slowDatabase')
      if (ms > 0) blockFor(ms)
    },
  }
}

export type Faults = ReturnType<typeof createFaults>
