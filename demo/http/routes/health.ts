// Liveness and readiness, for operators and for the HA balancer's health checks. The balancer
// answers them itself, with its own idea of ready (a healthy replica), hence `readyz` is given.
import { sendJson } from '../respond.ts'
import type { Handler, Route } from '../router.ts'
import { ROUTES } from './table.ts'

export function healthRoutes(readyz: Handler): Route[] {
  return [
    { ...ROUTES.healthz, handler: ({ response }) => sendJson(response, 200, { status: 'ok' }) },
    { ...ROUTES.readyz, handler: readyz },
  ]
}
