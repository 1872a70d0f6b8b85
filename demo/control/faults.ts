// Named fault flags, like the OpenTelemetry Demo's feature flags: each one is switched at run
// time and makes one step of a draw misbehave, so that the talk can show a real incident.
// FAULT_SPECS is the one catalogue (names, units, bounds, defaults, French wording), served by
// GET /api/demo/faults to the slide and to `npm run fault`. Adding a flag is one entry there
// plus its effect in createFaults. Every flag is off at start. Nothing here touches Node at
// import: the slides read the catalogue too, for their printed view.
import type { FaultSpec, FaultState } from '../../lib/wire.ts'

export const FAULT_SPECS = {
  drawLatency: { unit: 'ms', min: 0, max: 10_000, defaultValue: 300, description: 'attente avant chaque tracé', presets: [100, 300, 1000, 3000] },
  drawErrors: { unit: '%', min: 0, max: 100, defaultValue: 50, description: 'part des tracés en erreur 500', presets: [10, 50, 100] },
  // Each statement blocks the event loop for that long: a few tens of ms is already an incident.
  slowDatabase: { unit: 'ms', min: 0, max: 1000, defaultValue: 20, description: 'ralentit chaque requête SQLite', presets: [20, 50, 100] },
  // A per-request value on a metric: every draw so marked makes a series of its own (chapter 6).
  highCardinality: { unit: '%', min: 0, max: 100, defaultValue: 100, description: 'un identifiant de requête sur une métrique', presets: [10, 50, 100] },
} as const satisfies Record<string, FaultSpec>

export type FaultName = keyof typeof FAULT_SPECS

/** The bad attribute of highCardinality: unbounded, a value per request. */
export const REQUEST_ID_ATTRIBUTE = 'draw64.request.id'
const FAULT_NAMES = Object.keys(FAULT_SPECS) as FaultName[]

export class InjectedFaultError extends Error {
  readonly fault: FaultName

  constructor(fault: FaultName) {
    super(`injected fault ${fault}: the draw failed on purpose`)
    this.fault = fault
    this.name = 'InjectedFaultError'
  }
}

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULT_SPECS, name)
}

/** Every flag as the catalogue starts it: off, at its default value. */
export function defaultFaultStates(): Record<FaultName, FaultState> {
  const state = (spec: FaultSpec): FaultState => ({ ...spec, enabled: false, value: spec.defaultValue })
  return Object.fromEntries(FAULT_NAMES.map((name) => [name, state(FAULT_SPECS[name])])) as Record<FaultName, FaultState>
}

// A synchronous sleep that does not spin: better-sqlite3 is synchronous, so a slow disk
// blocks the whole event loop, and so does this. Made on first use, on the server only.
let sleeper: Int32Array | undefined
const blockFor = (ms: number) => Atomics.wait((sleeper ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, ms)

/**
 * `warn` receives the log line of the talk's incident (written inside the draw's span, so it
 * carries its trace id); the server passes its logger: this module stays free of Node imports.
 */
export function createFaults(random: () => number = Math.random, warn: (fields: object, message: string) => void = () => {}) {
  const states = defaultFaultStates()
  const active = (name: FaultName) => (states[name].enabled ? states[name].value : 0)

  return {
    list: (): Record<FaultName, FaultState> => ({ ...states }),
    set(name: FaultName, enabled: boolean, value = states[name].value): FaultState {
      states[name] = { ...states[name], enabled, value }
      return states[name]
    },
    /** drawLatency then drawErrors: called before every draw is applied. */
    async beforeDraw(): Promise<void> {
      const ms = active('drawLatency')
      if (ms > 0) {
        warn({ fault: 'drawLatency', delayMs: ms }, `draw held ${ms} ms by fault drawLatency`)
        await new Promise((resolve) => setTimeout(resolve, ms))
      }
      if (random() * 100 < active('drawErrors')) throw new InjectedFaultError('drawErrors')
    },
    /** highCardinality: the attributes a draw adds to its metric, a fresh request id for the share the flag asks. */
    drawMetricAttributes(): Record<string, string> {
      return random() * 100 < active('highCardinality') ? { [REQUEST_ID_ATTRIBUTE]: crypto.randomUUID() } : {}
    },
    /** slowDatabase: called before every SQLite statement. */
    beforeStatement(): void {
      const ms = active('slowDatabase')
      if (ms > 0) blockFor(ms)
    },
  }
}

export type Faults = ReturnType<typeof createFaults>
