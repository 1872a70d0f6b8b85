// The audience's side of Draw64: a per-client budget for changes, the URL to join from a
// phone, and the endpoint where browsers export their spans (real user monitoring).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BROWSER_SPAN_LIMITS } from '../../demo/telemetry/browser-spans.ts'
import { lanAddress } from '../../demo/lan.ts'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, pixelsOf, rgbAt } from '../support/http.ts'

const BURST = 5
let server: Draw64Process
let base: string

beforeAll(async () => {
  server = await startDraw64({ env: { DRAW64_RATE_LIMIT_PER_SECOND: '1', DRAW64_RATE_LIMIT_BURST: String(BURST) } })
  base = server.baseUrl
  await fetch(`${base}/api/images/crowd`, { method: 'POST' })
})
afterAll(() => server.stop())

/** A draw sent as if through the slides' proxy for `client` (a loopback peer may say who it forwards for). */
function drawAs(client: string | undefined, x: number): Promise<Response> {
  return fetch(`${base}/api/images/crowd`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(client ? { 'x-forwarded-for': client } : {}) },
    body: JSON.stringify({ command: { command_type: 'draw', values: [[x, 0, 255, 0, 0]] } }),
  })
}

const isRed = (pixels: Uint8Array, x: number) => rgbAt(pixels, x, 0).join() === '255,0,0'

describe('per-client rate limit', () => {
  it('answers 429 JSON with Retry-After past the budget, changes nothing, and leaves other clients alone', async () => {
    for (let x = 0; x < BURST; x++) expect((await drawAs('203.0.113.7', x)).status).toBe(200)
    const refused = await drawAs('203.0.113.7', BURST)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    // Named by its anonymous id: the message is logged, and the logs are shown to the room.
    expect((await json(refused)).error).toMatch(/too many writes from client a-[\w-]{8}: at most 1 per second/)
    expect((await json(await drawAs('203.0.113.7', BURST))).error).not.toContain('203.0.113.7')

    const pixels = await pixelsOf(base, 'crowd')
    expect([...Array(BURST).keys()].every((x) => isRed(pixels, x))).toBe(true)
    expect(isRed(pixels, BURST)).toBe(false)

    // Another attendee, and the speaker's machine (no forwarded client, or a loopback one), still draw.
    expect((await drawAs('203.0.113.8', 20)).status).toBe(200)
    for (let x = 30; x < 30 + 3 * BURST; x++) expect((await drawAs(undefined, x)).status).toBe(200)
    expect((await drawAs('127.0.0.1', 50)).status).toBe(200)
  })

  it('judges the client a local proxy appended, not what the client wrote in front of it', async () => {
    for (let x = 0; x < BURST; x++) expect((await drawAs(`10.1.1.${x}, 198.51.100.9`, x)).status).toBe(200)
    expect((await drawAs('127.0.0.1, 198.51.100.9', 0)).status).toBe(429)
  })

  it('refills the budget over time', async () => {
    for (let x = 0; x < BURST; x++) await drawAs('192.0.2.77', x)
    expect((await drawAs('192.0.2.77', 0)).status).toBe(429)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await drawAs('192.0.2.77', 0)).status).toBe(200)
  })

  it('counts refusals by route in /metrics', async () => {
    const metrics = await (await fetch(server.metricsUrl)).text()
    const refusals = metrics.match(/^draw64_rate_limit_rejections_total\{[^}]*http_route="\/api\/images\/:id"[^}]*\} (\d+)/m)
    expect(Number(refusals?.[1])).toBeGreaterThanOrEqual(3)
  })
})

describe('GET /api/join', () => {
  it('gives the local URL when LAN mode is off', async () => {
    const port = new URL(base).port
    expect(await json(await fetch(`${base}/api/join`))).toEqual({ lan: false, url: `http://localhost:${port}/` })
  })

  it('gives the LAN URL of the page in LAN mode', async () => {
    // Bound to loopback all the same: the test only checks the URL the audience is given.
    const lanServer = await startDraw64({ env: { DRAW64_LAN: '1', DRAW64_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' } })
    try {
      const port = new URL(lanServer.baseUrl).port
      const address = lanAddress()
      const expected = address ? { lan: true, url: `http://${address}:${port}/` } : { lan: false, url: `http://localhost:${port}/` }
      expect(await json(await fetch(`${lanServer.baseUrl}/api/join`))).toEqual(expected)
    } finally {
      await lanServer.stop()
    }
  })
})

const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('')

function browserExport(spans: object[], serviceName = 'draw64-web', serviceVersion?: string) {
  const attributes = [{ key: 'service.name', value: { stringValue: serviceName } }]
  if (serviceVersion !== undefined) attributes.push({ key: 'service.version', value: { stringValue: serviceVersion } })
  return { resourceSpans: [{ resource: { attributes }, scopeSpans: [{ spans }] }] }
}

function otlpSpan(traceId: string, name: string, attributes: object[] = []) {
  const start = BigInt(Date.now()) * 1_000_000n
  return { traceId, spanId: hex(8), name, kind: 1, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n), attributes }
}

const postSpans = (body: unknown, contentType = 'application/json') =>
  fetch(`${base}/rum/v1/traces`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) })

async function spansOf(traceId: string) {
  const { spans } = await json(await fetch(`${base}/api/telemetry/spans`))
  return spans.filter((span: { traceId: string }) => span.traceId === traceId)
}

describe('POST /rum/v1/traces', () => {
  it('stores browser spans as the browser service whatever they claim, with bounded attributes', async () => {
    const traceId = hex(16)
    const long = 'x'.repeat(10_000)
    const answer = await postSpans(browserExport([otlpSpan(traceId, 'stroke', [
      { key: 'draw64.image.id', value: { stringValue: 'crowd' } },
      { key: 'huge', value: { stringValue: long } },
      { key: 'nested', value: { kvlistValue: { values: [{ key: 'a', value: { intValue: 1 } }] } } },
    ])], 'draw64', 'v2 (votez pour moi)'))
    expect(answer.status).toBe(200)
    expect(await json(answer)).toEqual({})

    const [span] = await spansOf(traceId)
    expect(span).toMatchObject({ name: 'stroke', serviceName: 'draw64-web', serviceVersion: '', kind: 0 })
    expect(span.attributes).toEqual({ 'draw64.image.id': 'crowd', huge: long.slice(0, BROWSER_SPAN_LIMITS.stringLength) })
  })

  it('rejects a malformed export whole: 400, 413 past the span limit, 415 without JSON; nothing stored', async () => {
    const traceId = hex(16)
    const valid = otlpSpan(traceId, 'stroke')
    expect((await postSpans(browserExport([valid, { ...valid, spanId: 'nope' }]))).status).toBe(400)
    const tooMany = Array.from({ length: BROWSER_SPAN_LIMITS.spansPerRequest + 1 }, () => otlpSpan(traceId, 'fetch'))
    const refused = await postSpans(browserExport(tooMany))
    expect(refused.status).toBe(413)
    expect((await json(refused)).error).toContain(`at most ${BROWSER_SPAN_LIMITS.spansPerRequest} spans`)
    expect((await postSpans(browserExport([valid]), 'text/plain')).status).toBe(415)
    // Attribute values of the wrong shape, or nested past any use (written as text: too deep for
    // JSON.stringify here): a clear 400, not a crash.
    const deep = `${'{"arrayValue":{"values":['.repeat(5000)}{"stringValue":"bottom"}${']}}'.repeat(5000)}`
    const withValue = (value: string) => JSON.stringify(browserExport([otlpSpan(traceId, 'stroke', [{ key: 'sent', value: 'VALUE' }])])).replace('"VALUE"', value)
    for (const value of ['{"arrayValue":null}', '{"kvlistValue":{"values":[null]}}', deep]) {
      const answer = await fetch(`${base}/rum/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: withValue(value) })
      expect(answer.status).toBe(400)
      expect((await json(answer)).error).toContain('not an OTLP AnyValue')
    }
    expect(await spansOf(traceId)).toEqual([])
  })

  it('creates no server span of its own: the view does not watch itself', async () => {
    const traceId = hex(16)
    const answer = await fetch(`${base}/rum/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${hex(8)}-01` },
      body: JSON.stringify(browserExport([])),
    })
    expect(answer.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await spansOf(traceId)).toEqual([])
  })
})
