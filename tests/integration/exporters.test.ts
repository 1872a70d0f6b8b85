import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, putCommand } from '../support/http.ts'

let server: Draw64Process | undefined
let receiver: Server | undefined
afterEach(async () => {
  await server?.stop()
  receiver?.close()
})

/** A real OTLP/HTTP JSON endpoint: it keeps what Draw64 posts to /v1/traces, /v1/logs, /v1/metrics. */
async function startOtlpReceiver(): Promise<{ url: string; received: Map<string, any[]> }> {
  const received = new Map<string, any[]>()
  receiver = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      received.set(request.url!, [...(received.get(request.url!) ?? []), JSON.parse(body)])
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, received }
}

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('standard OTEL_* exporters', () => {
  it('sends traces, logs and metrics to an OTLP receiver with OTEL_*_EXPORTER=otlp', async () => {
    const otlp = await startOtlpReceiver()
    server = await startDraw64({
      env: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BLRP_SCHEDULE_DELAY: '200',
        OTEL_METRIC_EXPORT_INTERVAL: '500',
      },
    })
    await fetch(`${server.baseUrl}/api/images/exported`, { method: 'POST' })
    await putCommand(server.baseUrl, 'exported', { command_type: 'draw', values: [[1, 1, 1, 1, 1]] })

    const spanNames = await eventually(() => {
      const names = (otlp.received.get('/v1/traces') ?? []).flatMap((body) =>
        body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((span: any) => span.name))),
      )
      return names.includes('PUT /api/images/:id') ? names : undefined
    })
    expect(spanNames).toContain('UPDATE images')

    const logBodies = await eventually(() => {
      const bodies = (otlp.received.get('/v1/logs') ?? []).flatMap((body) =>
        body.resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((sl: any) => sl.logRecords.map((log: any) => log.body.stringValue))),
      )
      return bodies.includes('draw applied to exported') ? bodies : undefined
    })
    expect(logBodies).toContain('image created')

    const metricNames = await eventually(() => {
      const names = (otlp.received.get('/v1/metrics') ?? []).flatMap((body) =>
        body.resourceMetrics.flatMap((rm: any) => rm.scopeMetrics.flatMap((sm: any) => sm.metrics.map((metric: any) => metric.name))),
      )
      return names.includes('draw64.pixels.drawn') ? names : undefined
    })
    expect(metricNames).toContain('http.server.request.duration')
  })

  it('prints spans to stdout with OTEL_TRACES_EXPORTER=console, the zero-infra mode', async () => {
    server = await startDraw64({ env: { OTEL_TRACES_EXPORTER: 'console' } })
    await fetch(`${server.baseUrl}/api/images/printed`, { method: 'POST' })
    await eventually(() => (server!.output().includes("name: 'POST /api/images/:id'") ? true : undefined))
    expect(server.output()).toContain("'http.route': '/api/images/:id'")
  })

  it("switches instrumentations off by the zero-code agent's names, and keeps the manual telemetry", async () => {
    server = await startDraw64({ env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http,pino' } })
    await fetch(`${server.baseUrl}/api/images/bare`, { method: 'POST' })
    expect((await putCommand(server.baseUrl, 'bare', { command_type: 'draw', values: [[2, 2, 9, 9, 9]] })).status).toBe(200)

    const spanNames = await eventually(async () => {
      const names = (await json(await fetch(`${server!.baseUrl}/api/telemetry/spans`))).spans.map((span: { name: string }) => span.name)
      return names.includes('UPDATE images') ? names : undefined
    })
    expect(spanNames).toContain('apply command')
    expect(spanNames.filter((name: string) => name.startsWith('PUT ') || name.startsWith('POST '))).toEqual([])
    const metrics = await (await fetch(server.metricsUrl)).text()
    expect(metrics).toContain('draw64_pixels_drawn_total')
    expect(metrics).not.toContain('http_server_request_duration')
    // pino still writes its line; without the bridge, none reaches the logs pipeline.
    expect(server.output()).toContain('draw applied to bare')
    expect((await json(await fetch(`${server.baseUrl}/api/telemetry/logs`))).logs).toEqual([])
  })

  it('keeps only the instrumentations OTEL_NODE_ENABLED_INSTRUMENTATIONS names', async () => {
    server = await startDraw64({ env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http' } })
    await fetch(`${server.baseUrl}/api/images/chosen`, { method: 'POST' })
    await eventually(async () => ((await fetch(server!.metricsUrl).then((response) => response.text())).includes('http_server_request_duration') ? true : undefined))
    expect(await (await fetch(server.metricsUrl)).text()).not.toContain('nodejs_eventloop')
  })

  it('still serves drawings, with empty telemetry and no /metrics, when OTEL_SDK_DISABLED=true', async () => {
    server = await startDraw64({ env: { OTEL_SDK_DISABLED: 'true' } })
    await fetch(`${server.baseUrl}/api/images/plain`, { method: 'POST' })
    expect((await putCommand(server.baseUrl, 'plain', { command_type: 'clear_canvas' })).status).toBe(200)
    expect((await json(await fetch(`${server.baseUrl}/api/telemetry/spans`))).spans).toEqual([])
    await expect(fetch(server.metricsUrl)).rejects.toThrow()
  })

  it('refuses to start when its /metrics port is taken, instead of leaving the slides to chart what answers there', async () => {
    receiver = createServer((_request, response) => response.end('# not Draw64\n'))
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve))
    const taken = (receiver.address() as AddressInfo).port
    await expect(startDraw64({ metricsPort: taken })).rejects.toThrow(`/metrics cannot listen on 127.0.0.1:${taken}`)
  })

  it('serves no /metrics with OTEL_EXPORTER_PROMETHEUS_PORT=0, as the HA replicas run, where the exporter alone would take 9464', async () => {
    // A loopback address of its own: a demo running on 127.0.0.1:9464 cannot answer for it.
    const host = '127.0.0.77'
    server = await startDraw64({ env: { OTEL_EXPORTER_PROMETHEUS_HOST: host, OTEL_EXPORTER_PROMETHEUS_PORT: '0' } })
    await fetch(`${server.baseUrl}/api/images/replica`, { method: 'POST' })
    expect((await putCommand(server.baseUrl, 'replica', { command_type: 'clear_canvas' })).status).toBe(200)
    await expect(fetch(`http://${host}:9464/metrics`)).rejects.toThrow()
  })
})
