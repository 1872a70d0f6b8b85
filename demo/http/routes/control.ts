// Demo control (docs/contract.md): fault flags and the load generator, for the local machine only.
import { z } from 'zod'
import { FAULT_SPECS, isFaultName, type Faults } from '../../control/faults.ts'
import { LoadAlreadyRunningError, MAX_LOAD_RATE, MAX_LOAD_SECONDS, type LoadGenerator } from '../../control/load-generator.ts'
import { readJsonBody } from '../body.ts'
import { localOnly } from '../local-only.ts'
import { HttpError, sendJson } from '../respond.ts'
import type { Route } from '../router.ts'
import { parseBody } from '../validation.ts'
import { ROUTES } from './table.ts'

const loadRequest = z.strictObject({
  rate: z.int({ error: `rate must be an integer from 1 to ${MAX_LOAD_RATE} (requests per second)` }).min(1).max(MAX_LOAD_RATE),
  durationSeconds: z.int({ error: `durationSeconds must be an integer from 1 to ${MAX_LOAD_SECONDS}` }).min(1).max(MAX_LOAD_SECONDS),
})

export function controlRoutes(faults: Faults, load: LoadGenerator): Route[] {
  return [...faultRoutes(faults), ...loadRoutes(load)]
}

function faultRoutes(faults: Faults): Route[] {
  return [
    { ...ROUTES.listFaults, handler: localOnly(({ response }) => sendJson(response, 200, { faults: faults.list() })) },
    {
      ...ROUTES.setFault,
      handler: localOnly(async ({ request, response, params }) => {
        if (!isFaultName(params.name)) throw new HttpError(404, `no fault named "${params.name}" (known: ${Object.keys(FAULT_SPECS).join(', ')})`)
        const { max, unit } = FAULT_SPECS[params.name]
        const body = parseBody(
          z.strictObject({
            enabled: z.boolean({ error: 'enabled must be true or false' }),
            value: z.number({ error: `value must be a number of ${unit} from 0 to ${max}` }).min(0).max(max).optional(),
          }),
          await readJsonBody(request),
        )
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
        const { rate, durationSeconds } = parseBody(loadRequest, await readJsonBody(request))
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
