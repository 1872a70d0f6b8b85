import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPoller, type LinkState, type PollerOptions } from '../../lib/polling.ts'

/** A demo that can be switched off and on; counts the requests it receives. */
function fakeDemo() {
  const demo = { up: true, requests: 0 }
  const request = async () => {
    demo.requests += 1
    if (!demo.up) throw new Error('connection refused')
    return demo.requests
  }
  return { demo, request }
}

function poller(request: () => Promise<number>, extra: Partial<PollerOptions<number>> = {}) {
  const seen = { data: [] as number[], states: [] as LinkState[], recorded: 0 }
  const instance = createPoller<number>({
    request,
    intervalMs: 1000,
    onData: (data) => seen.data.push(data),
    onState: (state) => seen.states.push(state),
    onRecorded: () => (seen.recorded += 1),
    ...extra,
  })
  return { instance, seen }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('createPoller', () => {
  it('sends one request per interval however many components use it', async () => {
    const { demo, request } = fakeDemo()
    const { instance } = poller(request)
    const releases = [instance.acquire(), instance.acquire(), instance.acquire()]
    await vi.advanceTimersByTimeAsync(5_000)
    expect(demo.requests).toBe(6) // at 0 s, then every second up to 5 s
    releases.forEach((release) => release())
  })

  it('stops polling when the last component releases it, and not before', async () => {
    const { demo, request } = fakeDemo()
    const { instance } = poller(request)
    const first = instance.acquire()
    const second = instance.acquire()
    first()
    first() // releasing twice is harmless
    await vi.advanceTimersByTimeAsync(2_000)
    const counted = demo.requests
    second()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(demo.requests).toBe(counted)
  })

  it('is live after a successful request and hands the data over', async () => {
    const { request } = fakeDemo()
    const { instance, seen } = poller(request)
    const release = instance.acquire()
    await vi.advanceTimersByTimeAsync(0)
    expect(instance.state).toBe('live')
    expect(seen.data).toEqual([1])
    release()
  })

  it('falls back to the recording at once when the demo was never reachable', async () => {
    const { demo, request } = fakeDemo()
    demo.up = false
    const { instance, seen } = poller(request)
    const release = instance.acquire()
    await vi.advanceTimersByTimeAsync(0)
    expect(instance.state).toBe('recorded')
    expect(seen.recorded).toBe(1)
    release()
  })

  it('backs off while the demo is down: 2 s at most between attempts', async () => {
    const { demo, request } = fakeDemo()
    const { instance } = poller(request, { maxBackoffMs: 2000 })
    const release = instance.acquire()
    await vi.advanceTimersByTimeAsync(0)
    demo.up = false
    const before = demo.requests
    await vi.advanceTimersByTimeAsync(20_000)
    // 1 s, then 2 s, 2 s, ...: about 10 attempts in 20 s instead of 20.
    expect(demo.requests - before).toBeGreaterThanOrEqual(9)
    expect(demo.requests - before).toBeLessThanOrEqual(11)
    release()
  })

  it('says reconnecting while a demo that was live is down, then recorded after a long outage', async () => {
    const { demo, request } = fakeDemo()
    const { instance, seen } = poller(request, { recordedAfterMs: 10_000 })
    const release = instance.acquire()
    await vi.advanceTimersByTimeAsync(0)
    demo.up = false
    await vi.advanceTimersByTimeAsync(3_000)
    expect(instance.state).toBe('reconnecting')
    expect(seen.recorded).toBe(0)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(instance.state).toBe('recorded')
    expect(seen.recorded).toBe(1)
    release()
  })

  it('is live again within the back-off ceiling once the demo returns', async () => {
    const { demo, request } = fakeDemo()
    const { instance } = poller(request, { maxBackoffMs: 2000 })
    const release = instance.acquire()
    await vi.advanceTimersByTimeAsync(0)
    demo.up = false
    await vi.advanceTimersByTimeAsync(8_000)
    demo.up = true
    await vi.advanceTimersByTimeAsync(2_000)
    expect(instance.state).toBe('live')
    release()
  })

  it('polls once, without a timer, for print and export', async () => {
    const { demo, request } = fakeDemo()
    const { instance } = poller(request)
    await instance.pollOnce()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(demo.requests).toBe(1)
    expect(instance.state).toBe('live')
  })
})
