// A small typed client of Draw64's demo control (/api/demo/faults, /load, /cardinality,
// /sampling, /replicas, /rollout, /autoscaler, /overhead): the slides' levers use it through the slides'
// proxy, `npm run fault` and `npm run load` straight on the demo's port. Answers are parsed
// with the server's own schemas (lib/wire.ts).
import { DRAW64_PROXY_PATH } from './demo-endpoints.ts'
import {
  autoscalerStatusSchema, cardinalityAnswerSchema, faultAnswerSchema, faultListSchema, loadStatusSchema, overheadStatusSchema, replicaListSchema, samplingAnswerSchema,
  type FaultChange, type LoadRequest, type OverheadRequest, type SamplingChange, type Schema,
} from './wire.ts'

/** Why a call failed; `status` 0 when the demo could not be reached at all. */
export class DemoControlError extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.status = status
    this.name = 'DemoControlError'
  }

  /** The demo answers only its own machine: an attendee's deck gets 403. */
  get forbidden(): boolean {
    return this.status === 403
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

// A read is polled again soon: 3 s. A change is a click the speaker made once, and some take
// seconds (a replica starts, a killed one exits); the slides' proxy can also stall while Vite
// compiles: a change waits 15 s rather than be dropped half-way.
const READ_TIMEOUT_MS = 3000
const CHANGE_TIMEOUT_MS = 15_000

export interface DemoControlOptions {
  /** Where Draw64 is: the slides' proxy path by default, `http://127.0.0.1:8064` from a script. */
  base?: string
  fetcher?: Fetch
}

export function createDemoControlApi({ base = DRAW64_PROXY_PATH, fetcher = (input, init) => fetch(input, init) }: DemoControlOptions = {}) {
  const faultsUrl = `${base}/api/demo/faults`
  const loadUrl = `${base}/api/demo/load`
  const cardinalityUrl = `${base}/api/demo/cardinality`
  const samplingUrl = `${base}/api/demo/sampling`
  const replicasUrl = `${base}/api/demo/replicas`

  async function call<T>(schema: Schema<T>, url: string, init: RequestInit = {}): Promise<T> {
    let response: Response
    try {
      response = await fetcher(url, {
        ...init,
        cache: 'no-store',
        signal: AbortSignal.timeout((init.method ?? 'GET') === 'GET' ? READ_TIMEOUT_MS : CHANGE_TIMEOUT_MS),
        headers: init.body ? { 'content-type': 'application/json' } : undefined,
      })
    } catch (error) {
      throw new DemoControlError(0, (error as Error).message)
    }
    const body: unknown = await response.json().catch(() => ({}))
    if (!response.ok) {
      const error = (body as { error?: unknown }).error
      throw new DemoControlError(response.status, typeof error === 'string' ? error : `HTTP ${response.status}`)
    }
    const parsed = schema.safeParse(body)
    if (!parsed.success) throw new DemoControlError(response.status, `unexpected answer from ${url}: ${parsed.error.issues[0]?.message}`)
    return parsed.data
  }
  const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) })

  return {
    faultsUrl,
    faults: async () => (await call(faultListSchema, faultsUrl)).faults,
    /** HA mode: each running replica's flags; empty for a Draw64 alone. */
    faultsByReplica: async () => (await call(faultListSchema, faultsUrl)).byReplica ?? {},
    /** `replica`: switch it on that replica only (HA mode), as the healthcheck slide does. */
    setFault: async (name: string, change: FaultChange, replica?: string) =>
      (await call(faultAnswerSchema, `${faultsUrl}/${encodeURIComponent(name)}`, json('PUT', replica ? { ...change, replica } : change))).fault,
    load: () => call(loadStatusSchema, loadUrl),
    startLoad: (request: LoadRequest) => call(loadStatusSchema, loadUrl, json('POST', request)),
    stopLoad: () => call(loadStatusSchema, loadUrl, { method: 'DELETE' }),
    cardinality: () => call(cardinalityAnswerSchema, cardinalityUrl),
    setCardinalityView: (viewDropsRequestId: boolean) => call(cardinalityAnswerSchema, cardinalityUrl, json('PUT', { viewDropsRequestId })),
    setSampling: (change: SamplingChange) => call(samplingAnswerSchema, samplingUrl, json('PUT', change)),
    replicas: () => call(replicaListSchema, replicasUrl),
    addReplica: () => call(replicaListSchema, replicasUrl, { method: 'POST' }),
    killReplica: (name: string) => call(replicaListSchema, `${replicasUrl}/${encodeURIComponent(name)}`, { method: 'DELETE' }),
    restartReplica: (name: string) => call(replicaListSchema, `${replicasUrl}/${encodeURIComponent(name)}`, { method: 'POST' }),
    rollout: (version: string) => call(replicaListSchema, `${base}/api/demo/rollout`, json('POST', { version })),
    autoscaler: () => call(autoscalerStatusSchema, `${base}/api/demo/autoscaler`),
    overhead: () => call(overheadStatusSchema, `${base}/api/demo/overhead`),
    startOverhead: (request: OverheadRequest) => call(overheadStatusSchema, `${base}/api/demo/overhead`, json('POST', request)),
    stopOverhead: () => call(overheadStatusSchema, `${base}/api/demo/overhead`, { method: 'DELETE' }),
    /** Stops the overhead measurement as the page goes away (as stopLoadOnUnload). */
    stopOverheadOnUnload: (): void => void fetcher(`${base}/api/demo/overhead`, { method: 'DELETE', keepalive: true }).catch(() => undefined),
    setAutoscaler: (enabled: boolean) => call(autoscalerStatusSchema, `${base}/api/demo/autoscaler`, json('PUT', { enabled })),
    /** Stops the load as the page goes away: a beacon cannot DELETE, a keepalive fetch can. */
    stopLoadOnUnload: (): void => void fetcher(loadUrl, { method: 'DELETE', keepalive: true }).catch(() => undefined),
  }
}
