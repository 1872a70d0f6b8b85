// The slides' incremental feeds of the span and log buffers (docs/contract.md). Untraced: the
// view must not watch itself. Only this machine sees clients' addresses (telemetry/redact.ts).
import type { IncomingMessage } from 'node:http'
import { type Audience, logsAfter, logsEmittedAfter, spansAfter, spansEndedAfter } from '../../telemetry/buffers.ts'
import { TEMPORALITY_CAPACITY, temporalityPoints } from '../../telemetry/temporality.ts'
import { isLocalRequest } from '../client-address.ts'
import { HttpError, sendJson, sendJsonText } from '../respond.ts'
import type { RequestContext, Route } from '../router.ts'
import { ROUTES, type RouteDeclaration } from './table.ts'

const DEFAULT_PAGE = 1000
const MAX_PAGE = 5000
// A held poll answers within this delay even with nothing new, well inside the slides' 3 s timeout.
const MAX_WAIT_MS = 2000

function pageLimit(query: URLSearchParams): number {
  const raw = query.get('limit')
  if (raw === null) return DEFAULT_PAGE
  const limit = Number(raw)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new HttpError(400, `limit must be an integer from 1 to ${MAX_PAGE}`)
  }
  return limit
}

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

// A page costs one read, plus one per 64 KiB past the first: a full page of 5,000 spans (about
// 2 MiB) costs 33, so nobody can loop on them, while the slides' incremental polls cost one.
const BYTES_PER_READ = 64 * 1024
const chargeFor = (context: RequestContext, text: string) => context.charge?.(Math.floor(text.length / BYTES_PER_READ))

/** `?points=N`: the newest N readings of the temporality pair (all of them by default). */
function pointCount(query: URLSearchParams): number {
  const raw = query.get('points')
  if (raw === null) return TEMPORALITY_CAPACITY
  const count = Number(raw)
  if (!Number.isInteger(count) || count < 1 || count > TEMPORALITY_CAPACITY) {
    throw new HttpError(400, `points must be an integer from 1 to ${TEMPORALITY_CAPACITY}`)
  }
  return count
}

const audienceOf = (request: IncomingMessage): Audience => (isLocalRequest(request) ? 'local' : 'public')

/** A cursor-paged feed: held until something newer than `after` exists (`?wait=`), then one page. */
function pagedRoute(
  route: RouteDeclaration,
  newerThan: (cursor: string | null, waitMs: number) => Promise<void>,
  pageAfter: (cursor: string | null, limit: number, audience: Audience) => string,
): Route {
  return {
    ...route,
    handler: async (context) => {
      const { request, response, query } = context
      const [limit, waitMs] = [pageLimit(query), pageWait(query)]
      await newerThan(query.get('after'), waitMs)
      const page = pageAfter(query.get('after'), limit, audienceOf(request))
      chargeFor(context, page)
      sendJsonText(response, 200, page)
    },
  }
}

export function telemetryRoutes(): Route[] {
  return [
    pagedRoute(ROUTES.telemetrySpans, spansEndedAfter, spansAfter),
    pagedRoute(ROUTES.telemetryLogs, logsEmittedAfter, logsAfter),
    // One counter read as delta and as cumulative (telemetry/temporality.ts): a few kilobytes, public.
    { ...ROUTES.telemetryTemporality, handler: ({ response, query }) => sendJson(response, 200, temporalityPoints(pointCount(query))) },
  ]
}
