import { describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../demo/http/rate-limit.ts'

function limiterAt(perSecond: number, burst: number, maxClients?: number) {
  let nowMs = 0
  const limiter = createRateLimiter({ perSecond, burst }, { maxClients, now: () => nowMs })
  return { limiter, advance: (ms: number) => (nowMs += ms) }
}

const allowedCount = (take: () => { allowed: boolean }, tries: number) =>
  Array.from({ length: tries }, take).filter((decision) => decision.allowed).length

describe('createRateLimiter', () => {
  it('charges a cost known after the answer: the client waits until the bucket refills past it', () => {
    const { limiter, advance } = limiterAt(1, 4)
    expect(limiter.take('a').allowed).toBe(true)
    limiter.charge('a', 10)
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 8 })
    advance(8000)
    expect(limiter.take('a').allowed).toBe(true)
  })

  it('allows a burst, then one request per 1/perSecond, and says how long to wait', () => {
    const { limiter, advance } = limiterAt(2, 4)
    expect(allowedCount(() => limiter.take('a'), 10)).toBe(4)
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 })
    advance(500)
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(false)
    advance(60_000) // a long pause refills to the burst, not beyond
    expect(allowedCount(() => limiter.take('a'), 10)).toBe(4)
  })

  it('keeps one budget per client', () => {
    const { limiter } = limiterAt(1, 3)
    expect(allowedCount(() => limiter.take('a'), 5)).toBe(3)
    expect(allowedCount(() => limiter.take('b'), 5)).toBe(3)
  })

  it('rounds the wait up to whole seconds when the rate is below one per second', () => {
    const { limiter } = limiterAt(0.25, 1)
    limiter.take('a')
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 4 })
  })

  it('forgets the least recently seen client past maxClients, so the table stays bounded', () => {
    const { limiter } = limiterAt(1, 1, 2)
    limiter.take('a')
    limiter.take('b')
    limiter.take('a') // refused, but seen: b is now the oldest
    limiter.take('c') // evicts b
    expect(limiter.take('a').allowed).toBe(false) // still remembered
    expect(limiter.take('b').allowed).toBe(true) // forgotten: a full bucket again
  })
})
