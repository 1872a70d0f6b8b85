// OTLP/HTTP JSON receivers. /otlp/v1/traces, /logs and /metrics: the HA replicas export their
// spans, logs and metrics here, so the balancer's telemetry endpoints and /metrics serve them all.
import { ZodError } from 'zod'
import { addLogs } from '../../telemetry/buffers.ts'
import { addIngestedSpans } from '../../telemetry/sampling.ts'
import { RefusedSpanError } from '../../telemetry/browser-spans.ts'
import { logsFromOtlp, metricsFromOtlp, spansFromOtlp } from '../../telemetry/otlp-ingest.ts'
import { addReplicaMetrics, type ReplicaExport } from '../../telemetry/replica-metrics.ts'
import { readJsonBody } from '../body.ts'
import { HttpError, sendJson } from '../respond.ts'
import { localOnly } from '../local-only.ts'
import type { Handler, RequestContext, Route } from '../router.ts'
import { badRequest } from '../validation.ts'
import { ROUTES } from './table.ts'

const MAX_OTLP_BYTES = 4 * 1024 * 1024

/**
 * Converts an export request whole (a RangeError from `convert` means too much of it, a
 * RefusedSpanError a span no honest sender makes) and stores it.
 */
export function otlpReceiver<T>(
  convert: (body: unknown, context: RequestContext) => T[],
  store: (items: T[], context: RequestContext) => void,
  maxBytes = MAX_OTLP_BYTES,
): Handler {
  return async (context) => {
    const { request, response } = context
    let items: T[]
    try {
      items = convert(await readJsonBody(request, maxBytes), context)
    } catch (error) {
      if (error instanceof ZodError) throw badRequest(error, 'not an OTLP/JSON export request: ')
      if (error instanceof RangeError) throw new HttpError(413, error.message)
      if (error instanceof RefusedSpanError) throw new HttpError(400, error.message)
      throw error
    }
    store(items, context)
    // OTLP's ExportServiceResponse: an empty object means everything was accepted.
    sendJson(response, 200, {})
  }
}

export function otlpRoutes(): Route[] {
  return [
    // Through the tail policy, as spans of this process go (telemetry/sampling.ts).
    { ...ROUTES.otlpTraces, handler: localOnly(otlpReceiver(spansFromOtlp, addIngestedSpans)) },
    { ...ROUTES.otlpLogs, handler: localOnly(otlpReceiver(logsFromOtlp, addLogs)) },
    { ...ROUTES.otlpMetrics, handler: localOnly(otlpReceiver(metricsFromOtlp, storeReplicaMetrics)) },
  ]
}

function storeReplicaMetrics(exports: ReplicaExport[]): void {
  if (!addReplicaMetrics(exports)) throw new HttpError(429, 'too many services export metrics here')
}
