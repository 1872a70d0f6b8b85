// The HTTP edge: routes a request, names its span after the route template, and turns every
// failure into one JSON error. Nothing a client sends can crash the process.
import http from 'node:http'
import { context, trace } from '@opentelemetry/api'
import { getRPCMetadata, RPCType } from '@opentelemetry/core'
import { ATTR_CLIENT_ADDRESS } from '@opentelemetry/semantic-conventions'
import { ImageConflictError, ImageForbiddenError, ImageNotFoundError } from '../domain/errors.ts'
import { logger } from '../logger.ts'
import { noteTraceOwner, SERVER_OWNER } from '../telemetry/trace-owners.ts'
import { clientAddress, identityOfAddress } from './client-address.ts'
import { HttpError, sendError } from './respond.ts'
import { createRouter, type Route } from './router.ts'

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status
  if (error instanceof ImageNotFoundError) return 404
  if (error instanceof ImageConflictError) return 409
  if (error instanceof ImageForbiddenError) return 403
  return 500
}

function decodeParams(params: Record<string, string>): Record<string, string> {
  try {
    return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, decodeURIComponent(value)]))
  } catch {
    throw new HttpError(400, 'the URL is not correctly percent-encoded')
  }
}

const LINGER_MS = 5000

/**
 * Refusing a body still being uploaded (413, 415…): read no more of it. Left alone, Node's
 * server reads the rest and throws it away once the answer is sent ("dumping"), which for a
 * 16 MiB upload is megabytes of buffers that the garbage collector frees late: ten such uploads
 * grew the process by 50–70 MB on Node 24 while nothing was retained. Reading (`read(0)`) marks
 * the body as consumed so Node does not dump it, and the pause leaves the rest in the kernel.
 */
function stopReadingBody(request: http.IncomingMessage): void {
  request.pause()
  request.read(0)
}

/**
 * Then close in stages (RFC 9112 §9.6): closing at once would reset the connection while the
 * client writes, and it would never read the answer. Send FIN, give the client time to read the
 * answer, then close.
 */
function closeAfterRefusal(request: http.IncomingMessage): void {
  request.socket.end()
  setTimeout(() => request.socket.destroy(), LINGER_MS).unref()
}

/**
 * The request's client on its span, as the server knows it (clientAddress): the HTTP
 * instrumentation names the left-most X-Forwarded-For entry, which the client writes itself,
 * so a phone could pass for the speaker, or for another attendee, in the telemetry.
 */
function nameClient(request: http.IncomingMessage): string {
  const address = clientAddress(request)
  trace.getActiveSpan()?.setAttribute(ATTR_CLIENT_ADDRESS, address)
  return address
}

/** Who started the trace of this request's span: its traceparent's sender, or this server. */
function noteOwner(request: http.IncomingMessage, address: string): void {
  const span = trace.getActiveSpan()
  if (!span) return
  const { traceId } = span.spanContext()
  const continued = String(request.headers.traceparent ?? '').split('-')[1] === traceId
  const client = identityOfAddress(address)
  noteTraceOwner(traceId, continued ? client.id : SERVER_OWNER, client)
}

export function createHttpServer(routes: Route[]): http.Server {
  const match = createRouter(routes)

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    // Noted before routing: a 404's span and log line take their share of the slides' views too.
    noteOwner(request, nameClient(request))
    const [path, search = ''] = (request.url ?? '/').split('?', 2)
    const found = match(request.method ?? 'GET', path)
    if (found.kind === 'not-found') throw new HttpError(404, `no route for ${path}`)
    if (found.kind === 'wrong-method') {
      throw new HttpError(405, `${request.method} is not allowed here (allowed: ${found.allowed.join(', ')})`, {
        allow: found.allowed.join(', '),
      })
    }
    // Read by the HTTP instrumentation for http.route on the span and on the duration metric.
    const rpcMetadata = getRPCMetadata(context.active())
    if (rpcMetadata?.type === RPCType.HTTP) rpcMetadata.route = found.route.pattern
    await found.route.handler({ request, response, params: decodeParams(found.params), query: new URLSearchParams(search) })
  }

  const server = http.createServer((request, response) => {
    response.setHeader('x-content-type-options', 'nosniff')
    handle(request, response).catch((error: unknown) => {
      // The client hung up before sending its whole body: nobody is left to answer.
      if (request.destroyed && !request.complete) {
        logger.warn(`${request.method} ${(request.url ?? '').split('?')[0]}: the client closed the connection mid-request`)
        return
      }
      const status = statusOf(error)
      if (status >= 500) logger.error({ err: error }, `${request.method} ${request.url} failed: ${(error as Error).message}`)
      else logger.warn({ status }, `${(error as Error).message} (${request.method} ${(request.url ?? '').split('?')[0]} → ${status})`)
      if (response.headersSent) {
        response.destroy()
        return
      }
      const message = status >= 500 ? 'internal error' : (error as Error).message
      if (!request.complete) {
        stopReadingBody(request)
        response.once('finish', () => closeAfterRefusal(request))
      }
      sendError(response, status, message, error instanceof HttpError ? error.headers : {})
    })
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  return server
}
