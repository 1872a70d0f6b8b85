// A token bucket per client, so one enthusiastic attendee cannot drown the demo (budgets.ts says
// which routes spend from which bucket). The table of buckets is bounded: past maxClients, the
// least recently seen client is forgotten (a forgotten client starts again with a full bucket,
// which is the worst it can gain).

export interface RateLimit {
  /** Tokens added back per second. */
  perSecond: number
  /** Bucket size: how many requests a client may send at once after a pause. */
  burst: number
}

export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export interface RateLimiter {
  readonly limit: RateLimit
  take(client: string): Decision
  /**
   * Spends `tokens` more after the fact, for a request whose cost is known once answered (a
   * large page): the bucket may go below zero, and the client waits until it refills.
   */
  charge(client: string, tokens: number): void
}

interface Bucket {
  tokens: number
  atMs: number
}

export function createRateLimiter(limit: RateLimit, { maxClients = 10_000, now = () => performance.now() } = {}): RateLimiter {
  const buckets = new Map<string, Bucket>()

  function take(client: string): Decision {
    const atMs = now()
    const previous = buckets.get(client)
    const refilled = previous ? Math.min(limit.burst, previous.tokens + ((atMs - previous.atMs) / 1000) * limit.perSecond) : limit.burst
    // Re-inserting keeps the map in least-recently-seen order.
    buckets.delete(client)
    if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!)
    if (refilled < 1) {
      buckets.set(client, { tokens: refilled, atMs })
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / limit.perSecond)) }
    }
    buckets.set(client, { tokens: refilled - 1, atMs })
    return { allowed: true }
  }

  function charge(client: string, tokens: number): void {
    const bucket = buckets.get(client)
    if (bucket && tokens > 0) bucket.tokens -= tokens
  }

  return { limit, take, charge }
}
