// The HTTP edge: routes a request, names its span after the route template, and turns every
// failure into one JSON error. Nothing a client sends can crash the process.
import http from 'node:http'
import { context } from '@opentelemetry/api'
import { getRPCMetadata, RPCType } from '@opentelemetry/core'
import { ImageConflictError, ImageNotFoundError } from '../domain/errors.ts'
import { logger } from '../logger.ts'
import { HttpError, sendError } from './respond.ts'
import { createRouter, type Route } from './router.ts'

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status
  if (error instanceof ImageNotFoundError) return 404
  if (error instanceof ImageConflictError) return 409
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
 * After refusing a body still being uploaded (413, 415…), close in stages (RFC 9112 §9.6):
 * closing at once would reset the connection while the client writes, and it would never read
 * the answer. Send FIN, keep discarding what still arrives, then close.
 */
function closeAfterRefusal(request: http.IncomingMessage): void {
  request.socket.end()
  request.resume()
  setTimeout(() => request.socket.destroy(), LINGER_MS).unref()
}

export function createHttpServer(routes: Route[]): http.Server {
  const match = createRouter(routes)

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
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
      sendError(response, status, message, error instanceof HttpError ? error.headers : {})
      if (!request.complete) response.once('finish', () => closeAfterRefusal(request))
    })
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  return server
}
