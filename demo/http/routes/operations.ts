// Routes for operators and for the slides: health, statistics, live events, telemetry buffers.
// None of them creates a span (see UNTRACED_PATHS in demo/telemetry.ts).
import type { ImageService } from '../../image-service.ts'
import type { ImageStore } from '../../storage/image-store.ts'
import { logsAfter, logsEmittedAfter, spansAfter, spansEndedAfter } from '../../telemetry/buffers.ts'
import type { EventStream } from '../event-stream.ts'
import { HttpError, sendError, sendJson, sendJsonText } from '../respond.ts'
import type { Route } from '../router.ts'

const DEFAULT_PAGE = 1000
const MAX_PAGE = 5000
// A held poll answers within this delay even with nothing new, well inside the slides' 3 s timeout.
const MAX_WAIT_MS = 2000

/** `?wait=MS`: hold the answer until something newer than the cursor exists, at most MS. */
function pageWait(query: URLSearchParams): number {
  const raw = query.get('wait')
  if (raw === null) return 0
  const waitMs = Number(raw)
  if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > MAX_WAIT_MS) {
    throw new HttpError(400, `wait must be an integer from 0 to ${MAX_WAIT_MS} (milliseconds)`)
  }
  return waitMs
}

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
      handler: async ({ response, query }) => {
        const [limit, waitMs] = [pageLimit(query), pageWait(query)]
        await spansEndedAfter(query.get('after'), waitMs)
        sendJsonText(response, 200, spansAfter(query.get('after'), limit))
      },
    },
    {
      method: 'GET',
      pattern: '/api/telemetry/logs',
      handler: async ({ response, query }) => {
        const [limit, waitMs] = [pageLimit(query), pageWait(query)]
        await logsEmittedAfter(query.get('after'), waitMs)
        sendJsonText(response, 200, logsAfter(query.get('after'), limit))
      },
    },
  ]
}
