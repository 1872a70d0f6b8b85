// Routes for operators and for the slides: health, statistics, live events, telemetry buffers.
// None of them creates a span (see UNTRACED_PATHS in demo/instrumentation.ts).
import type { ImageService } from '../../image-service.ts'
import type { ImageStore } from '../../storage/image-store.ts'
import { logsAfter, spansAfter } from '../../telemetry/buffers.ts'
import type { EventStream } from '../event-stream.ts'
import { HttpError, sendError, sendJson, sendJsonText } from '../respond.ts'
import type { Route } from '../router.ts'

const DEFAULT_PAGE = 1000
const MAX_PAGE = 5000

function pageLimit(query: URLSearchParams): number {
  const raw = query.get('limit')
  if (raw === null) return DEFAULT_PAGE
  const limit = Number(raw)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new HttpError(400, `limit must be an integer from 1 to ${MAX_PAGE}`)
  }
  return limit
}

export function operationRoutes(images: ImageService, store: ImageStore, events: EventStream): Route[] {
  return [
    { method: 'GET', pattern: '/healthz', handler: ({ response }) => sendJson(response, 200, { status: 'ok' }) },
    {
      method: 'GET',
      pattern: '/readyz',
      handler: ({ response }) => {
        try {
          store.ping()
          sendJson(response, 200, { status: 'ready' })
        } catch (error) {
          sendError(response, 503, `database unavailable: ${(error as Error).message}`)
        }
      },
    },
    { method: 'GET', pattern: '/api/statistics', handler: ({ response }) => sendJson(response, 200, images.statistics()) },
    {
      method: 'GET',
      pattern: '/api/events',
      handler: ({ response }) => {
        if (!events.connect(response)) throw new HttpError(503, 'too many live clients, try again later')
      },
    },
    ...telemetryRoutes(),
  ]
}

/** The slides' incremental feeds of the span and log buffers. */
export function telemetryRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/telemetry/spans',
      handler: ({ response, query }) => sendJsonText(response, 200, spansAfter(query.get('after'), pageLimit(query))),
    },
    {
      method: 'GET',
      pattern: '/api/telemetry/logs',
      handler: ({ response, query }) => sendJsonText(response, 200, logsAfter(query.get('after'), pageLimit(query))),
    },
  ]
}
