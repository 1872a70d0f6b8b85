// Every attendee input is bounded per client (the route table says which budget a route spends
// from): changes, heavy reads and browser-span exports from token buckets, live-event streams by
// how many a client holds open at once. Past a budget: 429 with Retry-After and a JSON error,
// counted in draw64_rate_limit_rejections_total. The speaker's machine (the slides, the load
// generator) spends from none. The HA balancer applies the same budgets in front of every
// replica, so a client's budget is one whatever the number of replicas.
import type { Draw64Config } from '../config.ts'
import { rateLimitRejections } from '../instruments.ts'
import { clientIdentity } from './client-address.ts'
import { createRateLimiter, type RateLimit, type RateLimiter } from './rate-limit.ts'
import { HttpError } from './respond.ts'
import type { Handler, Route } from './router.ts'
import type { Budget } from './routes/table.ts'

export interface Budgets {
  writes: RateLimiter
  reads: RateLimiter
  exports: RateLimiter
  /** Live-event streams one client may hold open at once. */
  streamsPerClient: number
}

export function createBudgets(limits: Draw64Config['budgets']): Budgets {
  return {
    writes: createRateLimiter(limits.writes),
    reads: createRateLimiter(limits.reads),
    exports: createRateLimiter(limits.exports),
    streamsPerClient: limits.streamsPerClient,
  }
}

function refuse(route: string, budget: Budget, message: string, retryAfterSeconds: number): never {
  rateLimitRejections.add(1, { 'http.route': route, 'draw64.budget': budget })
  throw new HttpError(429, message, { 'retry-after': String(retryAfterSeconds) })
}

const describeRate = ({ perSecond, burst }: RateLimit) => `at most ${perSecond} per second (bursts of ${burst})`

function tokenBucket(limiter: RateLimiter, budget: Budget, route: string, handler: Handler): Handler {
  return (context) => {
    const client = clientIdentity(context.request)
    if (client.kind === 'attendee') {
      const decision = limiter.take(client.id)
      if (!decision.allowed) {
        refuse(route, budget, `too many ${budget} from client ${client.id}: ${describeRate(limiter.limit)}; retry in ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds)
      }
      return handler({ ...context, charge: (tokens) => limiter.charge(client.id, tokens) })
    }
    return handler(context)
  }
}

/** Counts the connections a client holds open; one past the cap is refused. */
function openAtOnce(maxPerClient: number, route: string, handler: Handler): Handler {
  const open = new Map<string, number>()
  return (context) => {
    const client = clientIdentity(context.request)
    if (client.kind === 'speaker') return handler(context)
    const count = open.get(client.id) ?? 0
    if (count >= maxPerClient) refuse(route, 'streams', `client ${client.id} already holds ${maxPerClient} live-event streams: close one first`, 5)
    open.set(client.id, count + 1)
    context.response.once('close', () => {
      const left = (open.get(client.id) ?? 1) - 1
      if (left > 0) open.set(client.id, left)
      else open.delete(client.id)
    })
    return handler(context)
  }
}

/** The routes with each handler behind the budget its declaration names. */
export function withBudgets(routes: Route[], budgets: Budgets): Route[] {
  return routes.map((route) => {
    if (!route.budget) return route
    const handler =
      route.budget === 'streams'
        ? openAtOnce(budgets.streamsPerClient, route.pattern, route.handler)
        : tokenBucket(budgets[route.budget], route.budget, route.pattern, route.handler)
    return { ...route, handler }
  })
}
