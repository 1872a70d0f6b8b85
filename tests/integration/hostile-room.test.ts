// A hostile room (issue 19): Draw64 in LAN mode, each attendee played as the slides' proxy
// plays them (a loopback peer forwarding for a LAN address in X-Forwarded-For). Every request
// goes to loopback. The speaker is a request with no forwarded address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ATTENDEE_SPAN_SHARE, BROWSER_SPAN_SHARE, LOG_BUFFER_CAPACITY, SPAN_BUFFER_CAPACITY } from '../../demo/telemetry/buffers.ts'
import { SHOWN_PER_ATTENDEE } from '../../demo/telemetry/trace-owners.ts'
import { BROWSER_SPAN_LIMITS, RENAMED_BROWSER_SPAN } from '../../demo/telemetry/browser-spans.ts'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, randomTraceparent, traceIdOf } from '../support/http.ts'
import { connectEvents, type SseClient } from '../support/sse.ts'

const READ_BURST = 5
const MAX_LIVE_STREAMS = 6
let server: Draw64Process
let base: string

beforeAll(async () => {
  server = await startDraw64({
    env: {
      DRAW64_LAN: '1',
      DRAW64_READ_LIMIT_PER_SECOND: '1',
      DRAW64_READ_LIMIT_BURST: String(READ_BURST),
      DRAW64_MAX_LIVE_STREAMS: String(MAX_LIVE_STREAMS),
    },
  })
  base = server.baseUrl
}, 60_000)
afterAll(() => server.stop())

/** Headers of a request the slides' proxy forwards for this attendee. */
const attendee = (address: string): Record<string, string> => ({ 'x-forwarded-for': address, 'user-agent': `phone-of-${address}` })

const as = (address: string | undefined, path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { ...(address ? attendee(address) : {}), ...(init.headers as Record<string, string>) } })

const draw = (address: string | undefined, id: string, headers: Record<string, string> = {}) =>
  as(address, `/api/images/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ command: { command_type: 'draw', values: [[1, 1, 9, 9, 9]] } }),
  })

const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('')
const NANOS_PER_MS = 1_000_000n

function browserSpan(traceId: string, name = 'stroke', startMs = Date.now() - 50, durationMs = 20) {
  const start = BigInt(startMs) * NANOS_PER_MS
  return { traceId, spanId: hex(8), name, kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + BigInt(durationMs) * NANOS_PER_MS), attributes: [] }
}

const exportSpans = (address: string | undefined, spans: object[]) =>
  as(address, '/rum/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] }),
  })

/** Every buffered span, as the speaker's machine reads them. */
async function allSpans(): Promise<any[]> {
  return (await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))).spans
}

async function expectRefused(response: Response, budget: RegExp) {
  expect(response.status).toBe(429)
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
  expect((await json(response)).error).toMatch(budget)
}

async function rejections(budget: string): Promise<number> {
  const text = await (await fetch(server.metricsUrl)).text()
  const lines = text.split('\n').filter((line) => line.startsWith('draw64_rate_limit_rejections_total{') && line.includes(`draw64_budget="${budget}"`))
  return lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
}

describe('live-event streams: the big screen never goes deaf', () => {
  it('caps each attendee at 4 streams (429), keeps the speaker served past the room cap, and counts refusals', async () => {
    const open: SseClient[] = []
    try {
      for (let n = 0; n < 4; n++) open.push(await connectEvents(`${base}/api/events`, attendee('198.51.100.1')))
      await expectRefused(await as('198.51.100.1', '/api/events'), /already holds 4 live-event streams/)

      // Other attendees fill the room…
      for (let n = 0; n < MAX_LIVE_STREAMS - 4; n++) open.push(await connectEvents(`${base}/api/events`, attendee('198.51.100.2')))
      const full = await as('198.51.100.3', '/api/events')
      expect(full.status).toBe(503)
      expect(full.headers.get('retry-after')).toBe('5')
      await full.body?.cancel()

      // …and the speaker's board still gets its live updates.
      const speaker = await connectEvents(`${base}/api/events`)
      open.push(speaker)
      await as(undefined, '/api/images/stage', { method: 'POST' })
      expect((await speaker.next('image_created', (data) => data.image.id === 'stage')).data.image.id).toBe('stage')
      expect(await rejections('streams')).toBeGreaterThanOrEqual(1)
      expect(await rejections('room')).toBeGreaterThanOrEqual(1)
    } finally {
      for (const client of open) client.close()
    }
  })
})

describe('browser spans are guests', () => {
  it('cannot evict the server spans, whatever the flood within budget', async () => {
    const traceparent = randomTraceparent()
    await as(undefined, '/api/images/fair', { method: 'POST' })
    expect((await draw(undefined, 'fair', { traceparent })).status).toBe(200)

    let stored = 0
    for (let n = 0; n < 20; n++) {
      const spans = Array.from({ length: BROWSER_SPAN_LIMITS.spansPerRequest }, () => browserSpan(hex(16)))
      if ((await exportSpans('198.51.100.10', spans)).status === 200) stored += spans.length
    }
    expect(stored).toBeGreaterThan(BROWSER_SPAN_SHARE)

    const spans = await allSpans()
    expect(spans.filter((span) => span.traceId === traceIdOf(traceparent) && span.serviceName === 'draw64').length).toBeGreaterThanOrEqual(5)
    expect(spans.filter((span) => span.serviceName === 'draw64-web').length).toBeLessThanOrEqual(2 * BROWSER_SPAN_SHARE)
  })

  it('refuses times outside the window around the server clock (400), storing nothing', async () => {
    for (const startMs of [Date.UTC(9999, 0, 1), 0, Date.now() - 3_600_000, Date.now() + 5 * 60_000]) {
      const traceId = hex(16)
      const answer = await exportSpans('198.51.100.11', [browserSpan(traceId), browserSpan(traceId, 'stroke', startMs)])
      expect(answer.status).toBe(400)
      expect((await json(answer)).error).toMatch(/times must lie within/)
      expect((await allSpans()).filter((span) => span.traceId === traceId)).toEqual([])
    }
  })

  it('joins only a trace its own client started: not the speaker’s, whether the speaker’s browser or the server began it', async () => {
    const speakerTrace = randomTraceparent()
    await as(undefined, '/api/images/graft', { method: 'POST' })
    expect((await draw(undefined, 'graft', { traceparent: speakerTrace })).status).toBe(200)
    const grafted = await exportSpans('198.51.100.12', [{ ...browserSpan(traceIdOf(speakerTrace)), parentSpanId: '' }])
    expect(grafted.status).toBe(400)
    expect((await json(grafted)).error).toMatch(/not started by this client/)

    // A trace the server began (no traceparent): its id is on the screen for anyone to copy.
    await draw(undefined, 'graft')
    const serverTrace = (await allSpans()).findLast((span) => span.name === 'PUT /api/images/:id' && span.parentSpanId === '')!.traceId
    expect((await exportSpans('198.51.100.12', [browserSpan(serverTrace)])).status).toBe(400)
    expect((await allSpans()).filter((span) => span.traceId === serverTrace && span.serviceName === 'draw64-web')).toEqual([])

    // The attendee's own stroke: the server saw its traceparent come from this attendee.
    const ownTrace = randomTraceparent()
    expect((await draw('198.51.100.12', 'graft', { traceparent: ownTrace })).status).toBe(200)
    const [, traceId, parentSpanId] = ownTrace.split('-')
    const stroke = browserSpan(traceId)
    const put = { ...browserSpan(traceId, 'PUT'), spanId: parentSpanId, parentSpanId: stroke.spanId }
    expect((await exportSpans('198.51.100.12', [stroke, put])).status).toBe(200)
    const own = (await allSpans()).filter((span) => span.traceId === traceId)
    expect(own.filter((span) => span.serviceName === 'draw64-web').map((span) => span.name).sort()).toEqual(['PUT', 'stroke'])
  })

  it('shows only the page’s vocabulary as names: anything else is renamed', async () => {
    const traceId = hex(16)
    expect((await exportSpans('198.51.100.13', [browserSpan(traceId, 'HACKED BY EVE'), browserSpan(traceId, 'PUT')])).status).toBe(200)
    const names = (await allSpans()).filter((span) => span.traceId === traceId).map((span) => span.name).sort()
    expect(names).toEqual(['PUT', RENAMED_BROWSER_SPAN])
  })
})

describe('a phone in a loop', () => {
  /** The buffered log records, as the speaker's machine reads them. */
  const allLogs = async (): Promise<any[]> => (await json(await fetch(`${base}/api/telemetry/logs?limit=5000`))).logs

  it("cannot push the speaker's traces, another attendee's or their log lines out of the slides, 404s and 429s alike", async () => {
    await as(undefined, '/api/images/loop', { method: 'POST' })
    const speakers = randomTraceparent()
    const neighbours = randomTraceparent()
    expect((await draw(undefined, 'loop', { traceparent: speakers })).status).toBe(200)
    expect((await draw('198.51.100.30', 'loop', { traceparent: neighbours })).status).toBe(200)

    // More requests than both buffers hold, each traced and logged: unknown paths (404) and
    // PNGs past the read budget (429), 16 at a time.
    const loop = '198.51.100.31'
    const requests = SPAN_BUFFER_CAPACITY + ATTENDEE_SPAN_SHARE + LOG_BUFFER_CAPACITY
    const paths = [...Array(requests).keys()].map((n) => (n % 2 ? `/nothing-here-${n}` : '/api/images/loop.png'))
    const statuses = new Set<number>()
    await Promise.all([...Array(16).keys()].map(async (worker) => {
      for (let n = worker; n < paths.length; n += 16) {
        const answer = await as(loop, paths[n])
        statuses.add(answer.status)
        await answer.body?.cancel()
      }
    }))
    expect([...statuses].sort()).toEqual([200, 404, 429])

    const spans = await allSpans()
    const logs = await allLogs()
    for (const traceparent of [speakers, neighbours]) {
      expect(spans.filter((span) => span.traceId === traceIdOf(traceparent)).length).toBeGreaterThanOrEqual(5)
      expect(logs.some((record) => record.traceId === traceIdOf(traceparent))).toBe(true)
    }
    // The loop's traces on show: the burst, then the rate, whatever the number of requests.
    const loopTraces = new Set(spans.filter((span) => span.attributes['client.address'] === loop).map((span) => span.traceId))
    expect(loopTraces.size).toBeGreaterThanOrEqual(SHOWN_PER_ATTENDEE.burst)
    expect(loopTraces.size).toBeLessThan(requests / 10)
  }, 60_000)
})

describe('privacy: attendees do not see each other', () => {
  it('serves spans and logs to other attendees with no address and no user agent; the speaker sees them', async () => {
    const victim = '198.51.100.20'
    await as(undefined, '/api/images/private', { method: 'POST' })
    expect((await draw(victim, 'private')).status).toBe(200)
    await expect.poll(async () => JSON.stringify(await allSpans()).includes(victim), { timeout: 5000 }).toBe(true)
    expect(JSON.stringify(await allSpans())).toContain(`phone-of-${victim}`)

    const spansText = await (await as('198.51.100.21', '/api/telemetry/spans?limit=5000')).text()
    const logsText = await (await as('198.51.100.21', '/api/telemetry/logs?limit=5000')).text()
    for (const text of [spansText, logsText]) {
      expect(text).not.toContain(victim)
      expect(text).not.toContain('phone-of-')
      expect(text).not.toContain('user_agent.original')
    }
    const span = JSON.parse(spansText).spans.findLast((candidate: any) => candidate.name === 'PUT /api/images/:id' && candidate.attributes['url.path'] === '/api/images/private')
    expect(span.attributes['client.address']).toMatch(/^a-[\w-]{8}$/)
  })
})

describe('identity in the telemetry', () => {
  it('names on a span the client the server knows, not whom it wrote first in X-Forwarded-For', async () => {
    const impostor = '198.51.100.25'
    await as(undefined, '/api/images/posing', { method: 'POST' })
    // Passing for the speaker (127.0.0.1), then for another attendee (the left-most entry of the
    // header, as the HTTP instrumentation reads it); the proxy's own entry is always the last.
    for (const claimed of ['127.0.0.1', '198.51.100.26']) {
      const traceparent = randomTraceparent()
      expect((await draw(`${claimed}, ${impostor}`, 'posing', { traceparent })).status).toBe(200)
      await expect
        .poll(async () => (await allSpans()).find((span: any) => span.traceId === traceIdOf(traceparent) && span.kind === 1)?.attributes['client.address'], { timeout: 5000 })
        .toBe(impostor)
    }
  })
})

describe('ownership of images', () => {
  it('lets an attendee delete only what they created, never the speaker’s images', async () => {
    await as(undefined, '/api/images/speakers', { method: 'POST' })
    expect((await as('198.51.100.30', '/api/images/mine', { method: 'POST' })).status).toBe(201)
    // Drawing is open to all.
    expect((await draw('198.51.100.31', 'mine')).status).toBe(200)
    expect((await draw('198.51.100.31', 'speakers')).status).toBe(200)

    const notTheirs = await as('198.51.100.31', '/api/images/mine', { method: 'DELETE' })
    expect(notTheirs.status).toBe(403)
    expect((await json(notTheirs)).error).toMatch(/created by someone else/)
    expect((await as('198.51.100.30', '/api/images/speakers', { method: 'DELETE' })).status).toBe(403)
    expect((await fetch(`${base}/api/images/speakers`)).status).toBe(200)
    expect((await as('198.51.100.30', '/api/images/mine', { method: 'DELETE' })).status).toBe(204)
  })

  it('keeps the last slots for the speaker and caps each attendee’s images', async () => {
    for (const { id } of (await json(await fetch(`${base}/api/images`))).images) await fetch(`${base}/api/images/${id}`, { method: 'DELETE' })

    expect((await as('198.51.100.40', '/api/images/a1', { method: 'POST' })).status).toBe(201)
    expect((await as('198.51.100.40', '/api/images/a2', { method: 'POST' })).status).toBe(201)
    const third = await as('198.51.100.40', '/api/images/a3', { method: 'POST' })
    expect(third.status).toBe(409)
    expect((await json(third)).error).toMatch(/at most 2 images per attendee/)

    for (let n = 41; n <= 43; n++) {
      expect((await as(`198.51.100.${n}`, `/api/images/b${n}`, { method: 'POST' })).status).toBe(201)
      expect((await as(`198.51.100.${n}`, `/api/images/c${n}`, { method: 'POST' })).status).toBe(201)
    }
    const late = await as('198.51.100.44', '/api/images', { method: 'POST' })
    expect(late.status).toBe(409)
    expect((await json(late)).error).toMatch(/kept for the speaker/)
    expect((await as(undefined, '/api/images', { method: 'POST' })).status).toBe(201)
    expect((await as(undefined, '/api/images', { method: 'POST' })).status).toBe(201)
    expect((await as(undefined, '/api/images', { method: 'POST' })).status).toBe(409)
  })
})

describe('heavy reads cost budget', () => {
  it('answers 429 with Retry-After past an attendee’s read budget, for PNGs, pixels and telemetry pages; never the speaker', async () => {
    const [{ id }] = (await json(await fetch(`${base}/api/images`))).images
    for (const [address, path] of [
      ['198.51.100.50', `/api/images/${id}.png`],
      ['198.51.100.51', `/api/images/${id}/pixels`],
      ['198.51.100.52', `/api/telemetry/spans?after=${(await json(await fetch(`${base}/api/telemetry/spans?limit=1`))).cursor}`],
      ['198.51.100.53', `/api/telemetry/logs?after=${(await json(await fetch(`${base}/api/telemetry/logs?limit=1`))).cursor}`],
    ] as const) {
      for (let n = 0; n < READ_BURST; n++) expect((await as(address, path)).status).toBe(200)
      await expectRefused(await as(address, path), /too many reads from client a-[\w-]{8}/)
    }
    for (let n = 0; n < 3 * READ_BURST; n++) expect((await as(undefined, `/api/images/${id}.png`)).status).toBe(200)
    expect(await rejections('reads')).toBeGreaterThanOrEqual(4)
  })

  it('shares one collection of /metrics between the attendees asking within a second, and budgets each; never the speaker', async () => {
    const scrape = (address?: string) => fetch(server.metricsUrl, { headers: address ? attendee(address) : {} })
    // Five phones at once: one collection (its CPU and memory figures would differ otherwise).
    const texts = await Promise.all([60, 61, 62, 63, 64].map(async (n) => (await scrape(`198.51.100.${n}`)).text()))
    expect(texts[0]).toContain('# TYPE target_info gauge')
    expect(new Set(texts).size).toBe(1)
    for (let n = 1; n < READ_BURST; n++) expect((await scrape('198.51.100.60')).status).toBe(200)
    await expectRefused(await scrape('198.51.100.60'), /too many reads from client a-[\w-]{8}/)
    for (let n = 0; n < 3 * READ_BURST; n++) expect((await scrape()).status).toBe(200)
  })

  it('charges a large telemetry page by its size: after a full page, the attendee waits', async () => {
    const full = await as('198.51.100.54', '/api/telemetry/spans?limit=5000')
    expect(full.status).toBe(200)
    expect((await full.text()).length).toBeGreaterThan(64 * 1024 * READ_BURST)
    await expectRefused(await as('198.51.100.54', '/api/telemetry/spans?limit=1'), /too many reads/)
    expect((await fetch(`${base}/api/telemetry/spans?limit=5000`)).status).toBe(200)
  })
})
