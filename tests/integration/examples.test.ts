// The copyable code of chapter 4 (examples/) runs: the canonical bootstrap instruments a plain
// node:http app (console spans, /metrics), and the manual span records what it should.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { SpanStatusCode, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../demo/free-port.ts'
import { blankPixels } from '../../demo/domain/board.js'
import { applyTraced } from '../../examples/manual-span.ts'

const ROOT = join(import.meta.dirname, '..', '..')

describe('examples/instrumentation.ts', () => {
  it('traces an app loaded after it with --import and serves /metrics', async () => {
    const [appPort, metricsPort] = [await freePort(), await freePort()]
    // CommonJS app code (node -e), as the bootstrap targets any app started after it.
    const app = `
      const http = require('node:http')
      const server = http.createServer((req, res) => res.end('ok')).listen(${appPort}, '127.0.0.1', async () => {
        await fetch('http://127.0.0.1:${appPort}/hello')
        let metrics = ''
        for (let attempt = 0; attempt < 50 && !/http_server_[a-z_]*duration/.test(metrics); attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 100)) // the exporter's server starts on its own
          metrics = await fetch('http://127.0.0.1:${metricsPort}/metrics').then((r) => r.text(), () => '')
        }
        console.log('METRICS ' + /http_server_[a-z_]*duration/.test(metrics))
        server.close()
        process.kill(process.pid, 'SIGTERM')
      })`
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './examples/instrumentation.ts', '-e', app], {
      cwd: ROOT,
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort), OTEL_METRIC_EXPORT_INTERVAL: '200' },
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    await new Promise((resolve) => child.on('exit', resolve))
    expect(output).toContain("'service.name': 'draw64'")
    expect(output).toMatch(/name: 'GET'|'http.request.method': 'GET'/)
    expect(output, output.slice(-3000)).toContain('METRICS true')
  })
})

describe('examples/manual-span.ts', () => {
  const exporter = new InMemorySpanExporter()
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
  trace.setGlobalTracerProvider(provider)
  afterAll(() => trace.disable())

  it('ends an "apply command" span with its attributes', () => {
    expect(applyTraced('demo-001', blankPixels(), { command_type: 'draw', values: [[1, 2, 0, 0, 0]] })).toBe(1)
    const [span] = exporter.getFinishedSpans()
    expect(span.name).toBe('apply command')
    expect(span.attributes).toEqual({ 'draw64.image.id': 'demo-001', 'draw64.command.type': 'draw' })
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
  })

  it('records the exception and the ERROR status, then rethrows', () => {
    exporter.reset()
    const broken = { command_type: 'draw', values: null } as never
    expect(() => applyTraced('demo-001', blankPixels(), broken)).toThrow()
    const [span] = exporter.getFinishedSpans()
    expect(span.status.code).toBe(SpanStatusCode.ERROR)
    expect(span.events.map((event) => event.name)).toEqual(['exception'])
  })
})
