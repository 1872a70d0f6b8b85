// The routes a replica serves, without their handlers: the HA balancer forwards each of them
// and names its spans by the same template (`PUT /api/images/:id`), never by the raw URL.
import type { Route } from '../router.ts'
import { imageRoutes } from './images.ts'
import { operationRoutes } from './operations.ts'
import { webRoutes } from './web.ts'

/** Served by the balancer itself: its health, and the telemetry of all processes. */
const OWN_PATTERNS = new Set(['/healthz', '/readyz', '/api/telemetry/spans', '/api/telemetry/logs'])

export function draw64RouteTemplates(): Omit<Route, 'handler'>[] {
  // Only the patterns are read: the services the handlers would use are never needed.
  const unused = undefined as never
  return [...webRoutes(), ...imageRoutes(unused, unused), ...operationRoutes(unused, unused, unused)]
    .filter((route) => !OWN_PATTERNS.has(route.pattern))
    .map(({ method, pattern }) => ({ method, pattern }))
}
