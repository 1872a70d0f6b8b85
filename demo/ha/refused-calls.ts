// A call of the balancer that a replica refused (it crashed), recorded as the HTTP
// instrumentation records the balancer's calls for the draws: a failed CLIENT span that names its
// peer, a red edge on the service map. For the calls that instrumentation does not see: the
// health checks (fetch) and the live-event streams (untraced: one span as long as the
// connection). Without it, the first to find a killed replica was often a board reconnecting
// its event stream, or the next health check, and no draw ever reached the replica to show it.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'

const tracer = trace.getTracer('draw64.balancer')

/** `startTime`: when the call was made (ms since the epoch). */
export function recordRefusedCall(replica: { name: string; port: number }, method: string, path: string, startTime: number): void {
  const attributes = {
    'peer.service': replica.name,
    'http.request.method': method,
    'server.address': '127.0.0.1',
    'server.port': replica.port,
    'url.path': path,
    'error.type': 'ECONNREFUSED',
  }
  // Its own trace: the request it served, if any, is untraced.
  const span = tracer.startSpan(method, { kind: SpanKind.CLIENT, startTime, attributes }, ROOT_CONTEXT)
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${replica.name} refused the connection` })
  span.end()
}
