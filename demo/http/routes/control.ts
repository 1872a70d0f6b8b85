// Demo control (docs/contract.md): fault flags and the load generator. They answer only the local
// machine: the speaker's own browser, directly or through the slides' proxy on this machine.
import { z } from 'zod'
import { FAULT_SPECS, isFaultName, type Faults } from '../../control/faults.ts'
import { LoadAlreadyRunningError, MAX_LOAD_RATE, MAX_LOAD_SECONDS, type LoadGenerator } from '../../control/load-generator.ts'
import { readJsonBody } from '../body.ts'
import { isLocalRequest } from '../client-address.ts'
import { HttpError, sendJson } from '../respond.ts'
import type { Handler, Route } from '../router.ts'

export function localOnly(handler: Handler): Handler {
  return (context) => {
    if (!isLocalRequest(context.request)) throw new HttpError(403, 'demo control answers only the speaker’s machine')
    return handler(context)
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new HttpError(400, issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)
}

const loadRequest = z.strictObject({
  rate: z.int({ error: `rate must be an integer from 1 to ${MAX_LOAD_RATE} (requests per second)` }).min(1).max(MAX_LOAD_RATE),
  durationSeconds: z.int({ error: `durationSeconds must be an integer from 1 to ${MAX_LOAD_SECONDS}` }).min(1).max(MAX_LOAD_SECONDS),
})

export function controlRoutes(faults: Faults, load: LoadGenerator): Route[] {
  return [...faultRoutes(faults), ...loadRoutes(load)]
}

function faultRoutes(faults: Faults): Route[] {
  return [
    { method: 'GET', pattern: '/api/demo/faults', handler: localOnly(({ response }) => sendJson(response, 200, { faults: faults.list() })) },
    {
      method: 'PUT',
      pattern: '/api/demo/faults/:name',
      handler: localOnly(async ({ request, response, params }) => {
        if (!isFaultName(params.name)) throw new HttpError(404, `no fault named "${params.name}" (known: ${Object.keys(FAULT_SPECS).join(', ')})`)
        const { max, unit } = FAULT_SPECS[params.name]
        const body = parse(
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
    { method: 'GET', pattern: '/api/demo/load', handler: localOnly(({ response }) => sendJson(response, 200, load.status())) },
    {
      method: 'POST',
      pattern: '/api/demo/load',
      handler: localOnly(async ({ request, response }) => {
        const { rate, durationSeconds } = parse(loadRequest, await readJsonBody(request))
        try {
          sendJson(response, 202, load.start(rate, durationSeconds))
        } catch (error) {
          if (error instanceof LoadAlreadyRunningError) throw new HttpError(409, error.message)
          throw error
        }
      }),
    },
    { method: 'DELETE', pattern: '/api/demo/load', handler: localOnly(({ response }) => sendJson(response, 200, load.stop())) },
  ]
}
