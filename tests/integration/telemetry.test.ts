import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, putCommand, randomTraceparent, spansOfTrace, traceIdOf } from '../support/http.ts'
import type { TelemetrySpanJson as SpanJson } from '../../demo/telemetry/serialize.ts'

let server: Draw64Process
let base: string

beforeAll(async () => {
  server = await startDraw64()
  base = server.baseUrl
  await fetch(`${base}/api/images/traced`, { method: 'POST' })
})
afterAll(() => server.stop())

const spansOf = (traceparent: string): Promise<SpanJson[]> => spansOfTrace(base, traceIdOf(traceparent))

async function tracedDraw(values: number[][]): Promise<{ traceparent: string; response: Response }> {
  const traceparent = randomTraceparent()
  const response = await fetch(`${base}/api/images/traced`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ command: { command_type: 'draw', values } }),
  })
  return { traceparent, response }
}

describe('traces', () => {
  it('gives a draw one trace: a server span with http.route, domain spans and one span per SQLite statement', async () => {
    const { traceparent, response } = await tracedDraw([[1, 1, 9, 9, 9]])
    expect(response.status).toBe(200)
    const spans = await spansOf(traceparent)
    const byName = new Map(spans.map((span) => [span.name, span]))

    const server = byName.get('PUT /api/images/:id')!
    expect(server.kind).toBe(1)
    expect(server.serviceName).toBe('draw64')
    expect(server.parentSpanId).toBe(traceparent.split('-')[2])
    expect(server.attributes).toMatchObject({
      'http.request.method': 'PUT',
      'http.route': '/api/images/:id',
      'http.response.status_code': 200,
      'url.path': '/api/images/traced',
    })

    for (const name of ['validate command', 'apply command', 'broadcast image_updated']) {
      expect(byName.get(name)?.parentSpanId, name).toBe(server.spanId)
    }
    const apply = byName.get('apply command')!
    expect(apply.attributes).toMatchObject({ 'draw64.image.id': 'traced', 'draw64.pixels.count': 1 })
    const select = byName.get('SELECT images')!
    expect(select.parentSpanId).toBe(apply.spanId)
    expect(select.kind).toBe(2)
    expect(select.attributes).toMatchObject({ 'db.system.name': 'sqlite', 'db.operation.name': 'SELECT' })
    expect(String(select.attributes['db.query.text'])).toMatch(/^SELECT .* FROM images WHERE id = \?$/)
    const persist = byName.get('persist image')!
    expect(byName.get('UPDATE images')?.parentSpanId).toBe(persist.spanId)

    // Children start within their parent on the buffer's microsecond clock.
    expect(BigInt(select.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(apply.startTimeUnixNano))
    expect(BigInt(select.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(apply.endTimeUnixNano))
  })

  it('marks a rejected command: 400 on the server span, an error on the validate span', async () => {
    const { traceparent, response } = await tracedDraw([[99, 1, 9, 9, 9]])
    expect(response.status).toBe(400)
    const spans = await spansOf(traceparent)
    expect(spans.find((span) => span.name === 'PUT /api/images/:id')?.attributes['http.response.status_code']).toBe(400)
    const validate = spans.find((span) => span.name === 'validate command')!
    expect(validate.status.code).toBe(2)
    expect(validate.status.message).toContain('x must be an integer')
    expect(spans.some((span) => span.name === 'apply command')).toBe(false)
  })

  it('serves spans incrementally: a cursor returns only newer spans', async () => {
    const first = await json(await fetch(`${base}/api/telemetry/spans`))
    const again = await json(await fetch(`${base}/api/telemetry/spans?after=${first.cursor}`))
    expect(again.spans).toEqual([])
    const { traceparent } = await tracedDraw([[2, 2, 9, 9, 9]])
    const next = await json(await fetch(`${base}/api/telemetry/spans?after=${first.cursor}`))
    expect(next.spans.length).toBeGreaterThanOrEqual(6)
    expect(next.spans.every((span: SpanJson) => span.traceId === traceparent.split('-')[1])).toBe(true)
  })

  it('holds a poll with ?wait= until a draw ends, and answers it with that draw\'s spans', async () => {
    const { cursor } = await json(await fetch(`${base}/api/telemetry/spans`))
    const held = fetch(`${base}/api/telemetry/spans?after=${cursor}&wait=2000`).then(json)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const { traceparent } = await tracedDraw([[3, 3, 9, 9, 9]])
    const page = await held
    expect(page.spans.map((span: SpanJson) => span.traceId)).toContain(traceparent.split('-')[1])
    for (const wait of ['-1', '2001', '1.5', 'soon']) {
      expect((await fetch(`${base}/api/telemetry/spans?after=${cursor}&wait=${wait}`)).status).toBe(400)
    }
  })

  it('creates no span for the telemetry, health and event endpoints', async () => {
    const { cursor } = await json(await fetch(`${base}/api/telemetry/spans`))
    await fetch(`${base}/healthz`)
    await fetch(`${base}/readyz`)
    await fetch(`${base}/api/telemetry/logs`)
    const events = new AbortController()
    await fetch(`${base}/api/events`, { signal: events.signal }).catch(() => undefined)
    events.abort()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await json(await fetch(`${base}/api/telemetry/spans?after=${cursor}`))).spans).toEqual([])
  })

  it('rejects a bad page size with 400', async () => {
    expect((await fetch(`${base}/api/telemetry/spans?limit=0`)).status).toBe(400)
    expect((await fetch(`${base}/api/telemetry/logs?limit=abc`)).status).toBe(400)
  })
})

describe('logs', () => {
  it('carries the trace id and span id of the request that wrote it', async () => {
    const { traceparent } = await tracedDraw([[3, 3, 9, 9, 9]])
    const traceId = traceparent.split('-')[1]
    const { logs } = await json(await fetch(`${base}/api/telemetry/logs`))
    const line = logs.find((log: { traceId: string }) => log.traceId === traceId)
    expect(line).toMatchObject({ severityText: 'info', body: 'draw applied to traced' })
    expect(line.spanId).toMatch(/^[0-9a-f]{16}$/)
    expect(server.output()).toContain(`"trace_id":"${traceId}"`)
  })
})

describe('metrics', () => {
  it('exposes the request histogram, the domain metrics and runtime metrics in Prometheus format', async () => {
    await putCommand(base, 'traced', { command_type: 'clear_canvas' })
    const text = await (await fetch(server.metricsUrl)).text()
    for (const name of [
      'http_server_request_duration_bucket{',
      'draw64_pixels_drawn_total{',
      'draw64_commands_total{',
      'draw64_images_active{',
      'db_client_operation_duration_bucket{',
      'nodejs_eventloop_utilization{',
      'v8js_memory_heap_used{',
      'process_cpu_time_total{',
      'target_info{',
    ]) {
      expect(text, name).toContain(name)
    }
    expect(text).toMatch(/draw64_commands_total\{[^}]*draw64_command_type="clear_canvas"[^}]*\} 1\b/)
    expect(text).toMatch(/http_server_request_duration_count\{[^}]*http_route="\/api\/images\/:id"/)
    // No raw URL, and no image id, is ever a label.
    expect(text).not.toContain('/api/images/traced')
    expect(text).not.toMatch(/="traced"/)
  })

  it.runIf(existsSync('/usr/bin/promtool') || process.env.CI === 'true')('passes promtool check metrics', async () => {
    const text = await (await fetch(server.metricsUrl)).text()
    // Throws, with promtool's findings, on any format or naming problem.
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: 'pipe' })).not.toThrow()
  })
})
