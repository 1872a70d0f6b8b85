// Demo control (docs/contract.md): fault flags and the load generator, for the local machine only.
import { FAULT_SPECS, isFaultName, type Faults } from '../../control/faults.ts'
import { LoadAlreadyRunningError, type LoadGenerator } from '../../control/load-generator.ts'
import { faultChangeSchema, loadRequestSchema, type ReplicaList } from '../../../lib/wire.ts'
import { REPLICA_BOUNDS } from '../../config.ts'
import { readJsonBody } from '../body.ts'
import { localOnly } from '../local-only.ts'
import { HttpError, sendJson } from '../respond.ts'
import type { Route } from '../router.ts'
import { parseBody } from '../validation.ts'
import { ROUTES } from './table.ts'

export function controlRoutes(faults: Faults, load: LoadGenerator): Route[] {
  return [...faultRoutes(faults), ...loadRoutes(load), noReplicas]
}

/** A single Draw64 (no `--replicas`) has none: ReplicaControls then says how to start the HA mode. */
const noReplicas: Route = {
  ...ROUTES.listReplicas,
  handler: localOnly(({ response }) => sendJson(response, 200, { replicas: [], ...REPLICA_BOUNDS, rollingOut: null } satisfies ReplicaList)),
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

export function loadRoutes(load: LoadGenerator): Route[] {
  return [
    { ...ROUTES.loadStatus, handler: localOnly(({ response }) => sendJson(response, 200, load.status())) },
    {
      ...ROUTES.startLoad,
      handler: localOnly(async ({ request, response }) => {
        const { rate, durationSeconds } = parseBody(loadRequestSchema, await readJsonBody(request))
        try {
          sendJson(response, 202, load.start(rate, durationSeconds))
        } catch (error) {
          if (error instanceof LoadAlreadyRunningError) throw new HttpError(409, error.message)
          throw error
        }
      }),
    },
    { ...ROUTES.stopLoad, handler: localOnly(({ response }) => sendJson(response, 200, load.stop())) },
  ]
}
