// Demo control (docs/contract.md): fault flags and the load generator, for the local machine only.
import { FAULT_SPECS, isFaultName, type Faults } from '../../control/faults.ts'
import type { LoadGenerator } from '../../control/load-generator.ts'
import { LoadAlreadyRunningError } from '../../control/load-lock.ts'
import type { OverheadRunner } from '../../control/overhead-runner.ts'
import { cardinalityLabState, setViewDropsRequestId } from '../../telemetry/cardinality-lab.ts'
import { changeSampling, samplingState } from '../../telemetry/sampling.ts'
import {
  cardinalityChangeSchema, faultChangeSchema, loadRequestSchema, overheadRequestSchema, samplingChangeSchema, type CardinalityAnswer, type CardinalityLabState, type FaultState, type ReplicaList, type SamplingAnswer, type SamplingState,
} from '../../../lib/wire.ts'
import { REPLICA_BOUNDS } from '../../config.ts'
import { readJsonBody } from '../body.ts'
import { localOnly } from '../local-only.ts'
import { HttpError, sendJson } from '../respond.ts'
import type { Route } from '../router.ts'
import { parseBody } from '../validation.ts'
import { ROUTES } from './table.ts'

export function controlRoutes(faults: Faults, load: LoadGenerator, overhead: OverheadRunner): Route[] {
  return [...faultRoutes(faults), ...loadRoutes(load, overhead), ...cardinalityRoutes(faults), ...samplingRoutes(async () => faults.list().drawErrors), noReplicas]
}

/** A single Draw64 (no `--replicas`) has none: ReplicaControls then says how to start the HA mode. */
const noReplicas: Route = {
  ...ROUTES.listReplicas,
  handler: localOnly(({ response }) => sendJson(response, 200, { replicas: [], ...REPLICA_BOUNDS, rollingOut: null } satisfies ReplicaList)),
}

/**
 * Head sampling and the tail policy of this process (telemetry/sampling.ts), with drawErrors as
 * `drawErrors` reads it: its own flag, or in HA mode a replica's. The HA balancer serves these
 * itself: its root spans' decisions reach the replicas with the trace context, and the
 * replicas' spans pass its tail policy on their way into its buffer.
 */
export function samplingRoutes(drawErrors: () => Promise<FaultState>): Route[] {
  const answer = async (sampling: SamplingState): Promise<SamplingAnswer> => ({ sampling, drawErrors: await drawErrors() })
  return [
    { ...ROUTES.sampling, handler: localOnly(async ({ response }) => sendJson(response, 200, await answer(samplingState()))) },
    {
      ...ROUTES.setSampling,
      handler: localOnly(async ({ request, response }) => {
        const change = parseBody(samplingChangeSchema, await readJsonBody(request))
        sendJson(response, 200, await answer(changeSampling(change)))
      }),
    },
  ]
}

/**
 * The View of the cardinality lab, on or off: switching it redeploys draw64.draws (see
 * cardinality-lab.ts). The HA balancer serves these itself: it counts the draws it forwards.
 */
export function cardinalityRoutes(faults: Faults): Route[] {
  const answer = (lab: CardinalityLabState): CardinalityAnswer => ({ lab, highCardinality: faults.list().highCardinality })
  return [
    { ...ROUTES.cardinalityLab, handler: localOnly(({ response }) => sendJson(response, 200, answer(cardinalityLabState()))) },
    {
      ...ROUTES.setCardinalityView,
      handler: localOnly(async ({ request, response }) => {
        const { viewDropsRequestId } = parseBody(cardinalityChangeSchema, await readJsonBody(request))
        sendJson(response, 200, answer(setViewDropsRequestId(viewDropsRequestId)))
      }),
    },
  ]
}

function faultRoutes(faults: Faults): Route[] {
  return [
    { ...ROUTES.listFaults, handler: localOnly(({ response }) => sendJson(response, 200, { faults: faults.list() })) },
    {
      ...ROUTES.setFault,
      handler: localOnly(async ({ request, response, params }) => {
        if (!isFaultName(params.name)) throw new HttpError(404, `no fault named "${params.name}" (known: ${Object.keys(FAULT_SPECS).join(', ')})`)
        const body = parseBody(faultChangeSchema(FAULT_SPECS[params.name]), await readJsonBody(request))
        sendJson(response, 200, { fault: faults.set(params.name, body.enabled, body.value) })
      }),
    },
  ]
}

/** 409 instead of a second load: see load-lock.ts. */
function exclusively<T>(start: () => T): T {
  try {
    return start()
  } catch (error) {
    if (error instanceof LoadAlreadyRunningError) throw new HttpError(409, error.message)
    throw error
  }
}

/** The load generator and the overhead measurement, one at a time (they share a LoadLock). */
export function loadRoutes(load: LoadGenerator, overhead: OverheadRunner): Route[] {
  return [
    { ...ROUTES.loadStatus, handler: localOnly(({ response }) => sendJson(response, 200, load.status())) },
    {
      ...ROUTES.startLoad,
      handler: localOnly(async ({ request, response }) => {
        const { rate, durationSeconds } = parseBody(loadRequestSchema, await readJsonBody(request))
        sendJson(response, 202, exclusively(() => load.start(rate, durationSeconds)))
      }),
    },
    { ...ROUTES.stopLoad, handler: localOnly(({ response }) => sendJson(response, 200, load.stop())) },
    { ...ROUTES.overhead, handler: localOnly(({ response }) => sendJson(response, 200, overhead.status())) },
    {
      ...ROUTES.startOverhead,
      handler: localOnly(async ({ request, response }) => {
        const body = parseBody(overheadRequestSchema, await readJsonBody(request))
        sendJson(response, 202, exclusively(() => overhead.start(body)))
      }),
    },
    { ...ROUTES.stopOverhead, handler: localOnly(({ response }) => sendJson(response, 200, overhead.stop())) },
  ]
}
