// OTLP/HTTP JSON receivers. /otlp/v1/traces and /otlp/v1/logs: the HA replicas export their
// spans and logs here, so the balancer's telemetry endpoints serve all three processes.
import { ZodError } from 'zod'
import { addLogs, addSpans } from '../../telemetry/buffers.ts'
import { logsFromOtlp, spansFromOtlp } from '../../telemetry/otlp-ingest.ts'
import { readJsonBody } from '../body.ts'
import { HttpError, sendJson } from '../respond.ts'
import type { Handler, Route } from '../router.ts'
import { localOnly } from './control.ts'

const MAX_OTLP_BYTES = 4 * 1024 * 1024

/** Converts an export request whole (a RangeError from `convert` means too much of it) and stores it. */
export function otlpReceiver<T>(convert: (body: unknown) => T[], store: (items: T[]) => void, maxBytes = MAX_OTLP_BYTES): Handler {
  return async ({ request, response }) => {
    let items: T[]
    try {
      items = convert(await readJsonBody(request, maxBytes))
    } catch (error) {
      if (error instanceof ZodError) throw new HttpError(400, `not an OTLP/JSON export request: ${error.issues[0].path.join('.')}: ${error.issues[0].message}`)
      if (error instanceof RangeError) throw new HttpError(413, error.message)
      throw error
    }
    store(items)
    // OTLP's ExportServiceResponse: an empty object means everything was accepted.
    sendJson(response, 200, {})
  }
}

export function otlpRoutes(): Route[] {
  return [
    { method: 'POST', pattern: '/otlp/v1/traces', handler: localOnly(otlpReceiver(spansFromOtlp, addSpans)) },
    { method: 'POST', pattern: '/otlp/v1/logs', handler: localOnly(otlpReceiver(logsFromOtlp, addLogs)) },
  ]
}
