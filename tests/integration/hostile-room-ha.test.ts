// The hostile room in HA mode (issue 19): one budget per client at the balancer whatever the
// number of replicas, a fair spread of concurrent bursts, and the same anonymous identity on
// every replica. Attendees are played through a loopback peer with X-Forwarded-For.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, randomTraceparent, traceIdOf } from '../support/http.ts'
import { SPAN_BUFFER_CAPACITY } from '../../demo/telemetry/buffers.ts'
import { SHOWN_PER_ATTENDEE } from '../../demo/telemetry/trace-owners.ts'
import { connectEvents, type SseClient } from '../support/sse.ts'

const BURST = 5
let balancer: Draw64Process
let base: string

beforeAll(async () => {
  balancer = await startDraw64({
    args: ['--replicas', '2'],
    env: { DRAW64_LAN: '1', DRAW64_RATE_LIMIT_PER_SECOND: '1', DRAW64_RATE_LIMIT_BURST: String(BURST) },
  })
  base = balancer.baseUrl
  await fetch(`${base}/api/images/room`, { method: 'POST' })
}, 60_000)
afterAll(() => balancer.stop())

const attendee = (address: string) => ({ 'x-forwarded-for': address })

const draw = (headers: Record<string, string>, x: number) =>
  fetch(`${base}/api/images/room`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ command: { command_type: 'draw', values: [[x, 2, 1, 2, 3]] } }),
  })

describe('HA: one budget per client, whatever the number of replicas', () => {
  it('lets a concurrent burst through once, not once per replica', async () => {
    const answers = await Promise.all(Array.from({ length: 4 * BURST }, (_, x) => draw(attendee('198.51.100.60'), x)))
    const accepted = answers.filter((answer) => answer.status === 200).length
    // One token may come back while the burst is in flight (1 per second).
    expect(accepted).toBeGreaterThanOrEqual(BURST)
    expect(accepted).toBeLessThanOrEqual(BURST + 1)
    const refused = answers.find((answer) => answer.status === 429)!
    expect(refused.headers.get('retry-after')).toBeTruthy()
    expect((await json(refused)).error).toMatch(/too many writes/)
  })

  it('spreads a concurrent burst over every replica', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, x) => draw({}, x)))
    expect(answers.every((answer) => answer.status === 200)).toBe(true)
    expect(new Set(answers.map((answer) => answer.headers.get('x-draw64-replica')))).toEqual(new Set(['draw64-replica-1', 'draw64-replica-2']))
  })

  it('caps an attendee’s live-event streams at the balancer', async () => {
    const open: SseClient[] = []
    try {
      for (let n = 0; n < 4; n++) open.push(await connectEvents(`${base}/api/events`, attendee('198.51.100.61')))
      const fifth = await fetch(`${base}/api/events`, { headers: attendee('198.51.100.61') })
      expect(fifth.status).toBe(429)
      expect(fifth.headers.get('retry-after')).toBeTruthy()
      open.push(await connectEvents(`${base}/api/events`))
    } finally {
      for (const client of open) client.close()
    }
  })

  it('knows an attendee as the same client on every replica: they delete what they created, not the speaker’s', async () => {
    const created = await fetch(`${base}/api/images/theirs`, { method: 'POST', headers: attendee('198.51.100.62') })
    expect(created.status).toBe(201)
    // The next turn of the round-robin: the other replica.
    const deleted = await fetch(`${base}/api/images/theirs`, { method: 'DELETE', headers: attendee('198.51.100.62') })
    expect(deleted.status).toBe(204)
    expect(deleted.headers.get('x-draw64-replica')).not.toBe(created.headers.get('x-draw64-replica'))
    for (let n = 0; n < 2; n++) {
      expect((await fetch(`${base}/api/images/room`, { method: 'DELETE', headers: attendee('198.51.100.62') })).status).toBe(403)
    }
  })

  it('serves the replicas’ spans to other attendees without the attendee’s address', async () => {
    expect((await draw(attendee('198.51.100.63'), 9)).status).toBe(200)
    await expect.poll(async () => (await (await fetch(`${base}/api/telemetry/spans?limit=5000`)).text()).includes('198.51.100.63'), { timeout: 5000 }).toBe(true)
    const seen = await (await fetch(`${base}/api/telemetry/spans?limit=5000`, { headers: attendee('198.51.100.64') })).text()
    expect(seen).not.toContain('198.51.100.63')
  })
})

describe("HA: a phone in a loop and the slides' views", () => {
  it("cannot push the speaker's trace out, replicas' spans included, with lists and 404s", async () => {
    const speakers = randomTraceparent()
    expect((await draw({ traceparent: speakers }, 20)).status).toBe(200)

    // Image lists go on to a replica, whose spans come back over OTLP a moment later; 404s are
    // the balancer's own.
    const loop = '198.51.100.65'
    const paths = [...Array(2 * SPAN_BUFFER_CAPACITY).keys()].map((n) => (n % 2 ? `/nothing-here-${n}` : '/api/images'))
    await Promise.all([...Array(32).keys()].map(async (worker) => {
      for (let n = worker; n < paths.length; n += 32) await (await fetch(`${base}${paths[n]}`, { headers: attendee(loop) })).body?.cancel()
    }))
    await new Promise((resolve) => setTimeout(resolve, 1000))

    const { spans } = await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))
    const ofSpeaker = spans.filter((span: any) => span.traceId === traceIdOf(speakers))
    expect(ofSpeaker.filter((span: any) => span.serviceName.startsWith('draw64-replica')).length).toBeGreaterThanOrEqual(4)
    const loopTraces = new Set(spans.filter((span: any) => span.attributes['client.address'] === loop).map((span: any) => span.traceId))
    expect(loopTraces.size).toBeGreaterThanOrEqual(SHOWN_PER_ATTENDEE.burst)
    expect(loopTraces.size).toBeLessThan(paths.length / 10)
  }, 90_000)
})
