// The slides' side of Draw64's demo control (load generator and named fault flags): typed calls
// to /api/demo/*, the French wording of each flag, and the numbers the control panel shows.
import { endpoints } from './demo-endpoints.ts'

export interface FaultFlag {
  enabled: boolean
  /** Milliseconds for latencies, percent for errors (see `unit`). */
  value: number
  unit: string
  description?: string
}

export type Faults = Record<string, FaultFlag>

export interface LoadStatus {
  running: boolean
  rateAsked: number
  rateAchieved: number
  /** ISO time while running, null otherwise. */
  endsAt: string | null
}

export interface LoadRequest {
  rate: number
  durationSeconds: number
}

/** Requests per second the panel offers, and how long a load may run (the server caps it at 600 s). */
export const RATE_CHOICES = [20, 100, 200]
export const DEFAULT_RATE = 100
export const DURATION_CHOICES = [30, 60, 120, 300]
export const DEFAULT_DURATION_SECONDS = 60

interface FaultWording {
  /** What the flag does, in French, shorter than the server's description to fit one line of the panel. */
  description: string
  /** The values a click on the value cycles through. */
  presets: number[]
}

const FAULT_WORDING: Record<string, FaultWording> = {
  drawLatency: { description: 'attente avant chaque tracé', presets: [100, 300, 1000, 3000] },
  drawErrors: { description: 'part des tracés en erreur 500', presets: [10, 50, 100] },
  // Each statement blocks the event loop for that long: a few tens of ms is already an incident.
  slowDatabase: { description: 'ralentit chaque requête SQLite', presets: [20, 50, 100] },
}

/** The flags the server ships with, in the panel's order: the print view and the fallback. */
export const DEFAULT_FAULTS: Faults = {
  drawLatency: { enabled: false, value: 300, unit: 'ms' },
  drawErrors: { enabled: false, value: 50, unit: '%' },
  slowDatabase: { enabled: false, value: 20, unit: 'ms' },
}

export interface FaultRow {
  name: string
  description: string
  /** `+300 ms` for a latency, `50 %` for a share of errors. */
  valueText: string
  flag: FaultFlag
}

const valueFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 })

/** The panel's rows: known flags first in a fixed order, then any flag the server adds. */
export function faultRows(faults: Faults): FaultRow[] {
  const known = Object.keys(FAULT_WORDING).filter((name) => name in faults)
  const others = Object.keys(faults).filter((name) => !(name in FAULT_WORDING)).sort()
  return [...known, ...others].map((name) => {
    const flag = faults[name]!
    const amount = `${valueFormat.format(flag.value)}\u202f${flag.unit}`
    return {
      name,
      description: FAULT_WORDING[name]?.description ?? flag.description ?? '',
      valueText: flag.unit === 'ms' ? `+${amount}` : amount,
      flag,
    }
  })
}

/** The choice after `current`, back to the first after the last. */
export function nextChoice(choices: readonly number[], current: number): number {
  return choices.find((value) => value > current) ?? choices[0] ?? current
}

/** The value after `current` in the flag's presets; an unknown flag keeps its value. */
export function nextPreset(name: string, current: number): number {
  return nextChoice(FAULT_WORDING[name]?.presets ?? [], current)
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

/** Why a call failed; `status` 0 when the demo could not be reached at all. */
export class DemoControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'DemoControlError'
  }

  /** The demo answers only its own machine: an attendee's deck gets 403. */
  get forbidden(): boolean {
    return this.status === 403
  }
}

/** The French message the panel shows for a failed call. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof DemoControlError) || error.status === 0 || error.status >= 500) return 'démo injoignable'
  if (error.forbidden) return 'Pilotage réservé à la machine du speaker'
  if (error.status === 409) return 'Une charge tourne déjà'
  return error.message
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

const REQUEST_TIMEOUT_MS = 3000

export function createDemoControlApi(fetcher: Fetch = (input, init) => fetch(input, init)) {
  async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
    let response: Response
    try {
      response = await fetcher(url, {
        ...init,
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: init.body ? { 'content-type': 'application/json' } : undefined,
      })
    } catch (error) {
      throw new DemoControlError(0, (error as Error).message)
    }
    const body = (await response.json().catch(() => ({}))) as T & { error?: unknown }
    if (!response.ok) throw new DemoControlError(response.status, typeof body.error === 'string' ? body.error : `HTTP ${response.status}`)
    return body
  }
  const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) })

  return {
    faults: async () => (await call<{ faults: Faults }>(endpoints.demoFaults)).faults,
    setFault: async (name: string, change: Pick<FaultFlag, 'enabled' | 'value'>) =>
      (await call<{ fault: FaultFlag }>(`${endpoints.demoFaults}/${encodeURIComponent(name)}`, json('PUT', change))).fault,
    load: () => call<LoadStatus>(endpoints.demoLoad),
    startLoad: (request: LoadRequest) => call<LoadStatus>(endpoints.demoLoad, json('POST', request)),
    stopLoad: () => call<LoadStatus>(endpoints.demoLoad, { method: 'DELETE' }),
  }
}

export type DemoControlApi = ReturnType<typeof createDemoControlApi>

/** Stops the load as the page goes away: a beacon cannot DELETE, a keepalive fetch can. */
export function stopLoadOnUnload(fetcher: Fetch = (input, init) => fetch(input, init)): void {
  void fetcher(endpoints.demoLoad, { method: 'DELETE', keepalive: true }).catch(() => undefined)
}
