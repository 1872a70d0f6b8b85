// The slides' incremental feeds of the span and log buffers (docs/contract.md). Untraced: the
// view must not watch itself.
import { logsAfter, spansAfter } from '../../telemetry/buffers.ts'
import { HttpError, sendJsonText } from '../respond.ts'
import type { Route } from '../router.ts'
import { ROUTES } from './table.ts'

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

export function telemetryRoutes(): Route[] {
  return [
    { ...ROUTES.telemetrySpans, handler: ({ response, query }) => sendJsonText(response, 200, spansAfter(query.get('after'), pageLimit(query))) },
    { ...ROUTES.telemetryLogs, handler: ({ response, query }) => sendJsonText(response, 200, logsAfter(query.get('after'), pageLimit(query))) },
  ]
}
