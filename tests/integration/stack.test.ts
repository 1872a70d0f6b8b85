// The real stack of `npm run stack` (stack/), checked without a container engine: the compose
// file and every config it mounts agree with each other, Prometheus's tools accept them, the
// Grafana dashboard asks for metrics a live Draw64 really exports, and `npm run demo:stack`
// sends all three signals over OTLP.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../demo/free-port.ts'
import { putCommand } from '../support/http.ts'
import { hostOf, otlpPorts, pipelineProblems, portOf, readYaml, STACK } from '../support/stack-config.ts'

const ROOT = join(import.meta.dirname, '..', '..')

const compose = readYaml('compose.yaml')
const collector = readYaml('collector/config.yaml')
const prometheus = readYaml('prometheus/prometheus.yml')
const datasources: any[] = readYaml('grafana/provisioning/datasources/datasources.yaml').datasources
const dashboardProviders: any[] = readYaml('grafana/provisioning/dashboards/draw64.yaml').providers
const dashboard = JSON.parse(readFileSync(join(STACK, 'grafana/dashboards/draw64.json'), 'utf8'))
const services = new Set(Object.keys(compose.services))

// promtool comes with the Debian package `prometheus`: skipped on a laptop without it, with the
// reason, but a failure under CI=true (as tests/support/browser.ts does for the browser).
const MISSING_PROMTOOL = 'promtool is not installed (Debian/Ubuntu: apt-get install prometheus; .ci/run installs it)'
const promtoolAvailable = !spawnSync('promtool', ['--version']).error
if (!promtoolAvailable) {
  if (process.env.CI === 'true') throw new Error(`CI=true and ${MISSING_PROMTOOL}`)
  console.warn(`Skipping the promtool checks: ${MISSING_PROMTOOL}`)
}

function promtool(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8' })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
}

describe('stack/compose.yaml', () => {
  it('starts the Collector (contrib), Prometheus, Jaeger v2, Loki and Grafana, each on a pinned version', () => {
    const images = Object.fromEntries(Object.entries<any>(compose.services).map(([name, service]) => [name, service.image]))
    expect(images).toEqual({
      'otel-collector': expect.stringMatching(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/),
      prometheus: expect.stringMatching(/^prom\/prometheus:v3\.\d+\.\d+$/),
      jaeger: expect.stringMatching(/^jaegertracing\/jaeger:2\.\d+\.\d+$/),
      loki: expect.stringMatching(/^grafana\/loki:\d+\.\d+\.\d+$/),
      grafana: expect.stringMatching(/^grafana\/grafana:\d+\.\d+\.\d+$/),
    })
  })

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = Object.values<any>(compose.services).flatMap((service) => service.ports ?? [])
    expect(ports.length).toBeGreaterThan(0)
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/)
  })

  it('mounts configuration files that exist in stack/', () => {
    const sources = Object.values<any>(compose.services).flatMap((service) => (service.volumes ?? []).map((volume: string) => volume.split(':')[0]))
    expect(sources).toEqual(expect.arrayContaining(['./collector/config.yaml', './prometheus/prometheus.yml', './grafana/provisioning', './grafana/dashboards']))
    for (const source of sources) expect(existsSync(join(STACK, source)), source).toBe(true)
  })
})

describe('the Collector of the stack', () => {
  it('defines every component its pipelines name, and uses every component it defines', () => {
    expect(Object.keys(collector.service.pipelines).sort()).toEqual(['logs', 'metrics', 'traces'])
    expect(pipelineProblems(collector)).toEqual([])
  })

  it('receives OTLP on the ports compose publishes, where Draw64 sends', () => {
    const published = compose.services['otel-collector'].ports.map((port: string) => Number(port.split(':')[2]))
    expect(otlpPorts(collector).sort()).toEqual(published.sort())
    const draw64Env = parseEnv(readFileSync(join(STACK, 'draw64.env'), 'utf8'))
    expect(published).toContain(portOf(draw64Env.OTEL_EXPORTER_OTLP_ENDPOINT!))
  })

  it('sends traces to Jaeger, metrics to Prometheus by remote write, logs to Loki, by compose service name', () => {
    const exporterOf = (pipeline: string) => collector.exporters[collector.service.pipelines[pipeline].exporters[0]]
    expect(hostOf(exporterOf('traces').endpoint)).toBe('jaeger')
    expect(exporterOf('metrics').endpoint).toBe('http://prometheus:9090/api/v1/write')
    expect(compose.services.prometheus.command).toContain('--web.enable-remote-write-receiver')
    expect(exporterOf('logs').endpoint).toBe('http://loki:3100/otlp')
    for (const exporter of Object.values<any>(collector.exporters)) expect(services).toContain(hostOf(exporter.endpoint))
  })

  it("keeps the names of Draw64's own /metrics, and its resource in target_info but for service.version", () => {
    const metrics = collector.service.pipelines.metrics
    const transform = metrics.processors.find((name: string) => name.startsWith('transform'))
    expect(collector.processors[transform].metric_statements).toEqual([
      'set(metric.unit, "")',
      'set(datapoint.attributes["service.version"], resource.attributes["service.version"])',
    ])
    expect(collector.exporters[metrics.exporters[0]].resource_to_telemetry_conversion).toEqual({ enabled: false })
  })
})

describe('Prometheus of the stack', () => {
  it.runIf(promtoolAvailable)('passes promtool check config', () => {
    const check = promtool('check', 'config', join(STACK, 'prometheus/prometheus.yml'))
    expect(check.output).toContain('SUCCESS')
    expect(check.ok, check.output).toBe(true)
  })

  it("scrapes the Collector's own metrics where the Collector serves them", () => {
    const targets: string[] = prometheus.scrape_configs.flatMap((job: any) => job.static_configs.flatMap((config: any) => config.targets))
    for (const target of targets) expect([...services, 'localhost']).toContain(hostOf(target))
    const served = collector.service.telemetry.metrics.readers[0].pull.exporter.prometheus
    expect(targets).toContain(`otel-collector:${served.port}`)
    expect(served.host).toBe('0.0.0.0')
  })
})

describe('Grafana of the stack', () => {
  const uids = new Map(datasources.map((datasource) => [datasource.uid, datasource]))

  it('provisions Prometheus, Jaeger and Loki by compose service name', () => {
    expect(datasources.map(({ type, uid }) => `${type}:${uid}`).sort()).toEqual(['jaeger:jaeger', 'loki:loki', 'prometheus:prometheus'])
    for (const datasource of datasources) expect(services).toContain(hostOf(datasource.url))
  })

  it('links a log line to its trace, and a span to its log lines', () => {
    const [traceLink] = uids.get('loki').jsonData.derivedFields
    expect(traceLink).toMatchObject({ matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: 'jaeger' })
    expect(uids.get('jaeger').jsonData.tracesToLogsV2.datasourceUid).toBe('loki')
  })

  it('loads the dashboards from the folder compose mounts', () => {
    const mounted = compose.services.grafana.volumes.find((volume: string) => volume.startsWith('./grafana/dashboards:'))
    expect(dashboardProviders.map((provider) => provider.options.path)).toEqual([mounted.split(':')[1]])
    expect(compose.services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${mounted.split(':')[1]}/draw64.json`)
  })

  it('shows rate, errors, latency percentiles, pixels/s and event-loop delay, from provisioned datasources', () => {
    const promql = dashboardQueries().map(({ expr }) => expr).join('\n')
    expect(promql).toContain('rate(http_server_request_duration_count')
    expect(promql).toMatch(/http_response_status_code=~"5\.\."/)
    for (const quantile of ['0.5', '0.95', '0.99']) expect(promql).toContain(`histogram_quantile(${quantile}, sum by (le) (rate(http_server_request_duration_bucket`)
    expect(promql).toContain('rate(draw64_pixels_drawn_total')
    expect(promql).toContain('nodejs_eventloop_delay_p99')
    for (const panel of dashboard.panels) {
      expect(uids.has(panel.datasource.uid), panel.title).toBe(true)
      for (const target of panel.targets) expect(uids.get(target.datasource.uid)?.type, panel.title).toBe(target.datasource.type)
    }
  })

  it.runIf(promtoolAvailable)('asks only valid PromQL (promtool check rules)', () => {
    const rules = dashboardQueries().map(({ title, expr }, index) => ({ record: `dashboard:query_${index}`, expr: withGrafanaVariables(expr), labels: { panel: title } }))
    const file = join(mkdtempSync(join(tmpdir(), 'draw64-dashboard-')), 'rules.yml')
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'draw64-dashboard', rules }] }))
    const check = promtool('check', 'rules', file)
    expect(check.ok, check.output).toBe(true)
  })
})

/** Every Prometheus query of the dashboard, panels and variables. */
function dashboardQueries(): { title: string; expr: string }[] {
  const panels = dashboard.panels.flatMap((panel: any) =>
    panel.targets.filter((target: any) => target.datasource.type === 'prometheus').map((target: any) => ({ title: panel.title, expr: target.expr })),
  )
  const variables = dashboard.templating.list
    .filter((variable: any) => variable.datasource?.type === 'prometheus')
    .map((variable: any) => ({ title: `$${variable.name}`, expr: variable.definition.replace(/^label_values\(\s*([^,)]+).*$/, '$1') }))
  return [...panels, ...variables]
}

/** A query as Prometheus receives it from Grafana, with its variables replaced. */
const withGrafanaVariables = (expr: string) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.+')

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'])

/** The metric names a PromQL query selects: what is left once strings, matchers, ranges, label lists and functions are gone. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
  return [...bare.matchAll(/\b[a-zA-Z_:][\w:]*\b(?!\s*\()/g)].map(([name]) => name).filter((name) => !PROMQL_KEYWORDS.has(name.toLowerCase()))
}

/** A real OTLP/HTTP endpoint: it keeps the bodies Draw64 posts, by path. */
async function startOtlpReceiver(): Promise<{ server: Server; url: string; received: Map<string, { contentType?: string; body: Buffer }[]> }> {
  const received = new Map<string, { contentType?: string; body: Buffer }[]>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.set(request.url!, [...(received.get(request.url!) ?? []), { contentType: request.headers['content-type'], body: Buffer.concat(chunks) }])
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }
}

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('Draw64 started by `npm run demo:stack`', () => {
  let draw64: ChildProcess
  let output = ''
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>
  let baseUrl: string
  let metricsUrl: string

  beforeAll(async () => {
    otlp = await startOtlpReceiver()
    const [port, metricsPort] = [await freePort(), await freePort()]
    baseUrl = `http://127.0.0.1:${port}`
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
    // The exporters and protocol come from stack/draw64.env; the environment wins over that
    // file, so it only moves the ports, the endpoint (this test's receiver) and the intervals.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DRAW64_HOST: '127.0.0.1',
      DRAW64_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      DRAW64_DATA_DIR: mkdtempSync(join(tmpdir(), 'draw64-stack-')),
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
    }
    for (const name of ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_SDK_DISABLED']) delete env[name]
    const npmCli = process.env.npm_execpath
    const [npm, ...npmArgs] = npmCli?.endsWith('npm-cli.js') ? [process.execPath, npmCli] : ['npm']
    // Its own process group, so that stopping it stops npm and the Draw64 that npm started.
    draw64 = spawn(npm, [...npmArgs, 'run', '--silent', 'demo:stack'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    draw64.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    draw64.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await eventually(async () => {
      if (draw64.exitCode !== null) throw new Error(`npm run demo:stack exited with ${draw64.exitCode}:\n${output}`)
      return (await fetch(`${baseUrl}/healthz`).catch(() => undefined))?.ok || undefined
    }, `npm run demo:stack to answer on ${baseUrl}`, 30_000)

    await fetch(`${baseUrl}/api/images/stacked`, { method: 'POST' })
    for (let x = 0; x < 3; x++) expect((await putCommand(baseUrl, 'stacked', { command_type: 'draw', values: [[x, x, 200, 10, 10]] })).status).toBe(200)
    await fetch(`${baseUrl}/api/images/stacked/pixels`)
  }, 60_000)

  afterAll(async () => {
    if (draw64?.pid && draw64.exitCode === null) {
      const exited = new Promise((resolve) => draw64.once('exit', resolve))
      process.kill(-draw64.pid, 'SIGTERM')
      await exited
    }
    otlp?.server.close()
  })

  /** The bodies posted to one OTLP path, once one of them contains `text` (protobuf keeps strings as they are). */
  const receivedWith = (path: string, text: string) =>
    eventually(() => {
      const bodies = otlp.received.get(path) ?? []
      return bodies.some(({ body }) => body.includes(text)) ? bodies : undefined
    }, `${path} with "${text}"`)

  it('sends traces, metrics and logs over OTLP/HTTP in protobuf to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    for (const [path, text] of [
      ['/v1/traces', 'PUT /api/images/:id'],
      ['/v1/metrics', 'draw64.pixels.drawn'],
      ['/v1/logs', 'draw applied to stacked'],
    ]) {
      const bodies = await receivedWith(path, text)
      expect(bodies.every(({ contentType }) => contentType === 'application/x-protobuf'), path).toBe(true)
    }
  })

  it('still serves the slides: spans in its buffers and its own /metrics', async () => {
    const { spans } = await (await fetch(`${baseUrl}/api/telemetry/spans`)).json()
    expect(spans.map((span: { name: string }) => span.name)).toContain('PUT /api/images/:id')
    expect((await fetch(metricsUrl)).ok).toBe(true)
  })

  it('exports every metric the Grafana dashboard asks for, under the name the dashboard uses', async () => {
    const exported = await eventually(async () => {
      const text = await (await fetch(metricsUrl)).text()
      const names = new Set(text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.match(/^[a-zA-Z_:][\w:]*/)![0]))
      return names.has('draw64_pixels_drawn_total') && names.has('db_client_operation_duration_bucket') ? names : undefined
    }, 'the dashboard metrics on /metrics')
    const asked = dashboardQueries().flatMap(({ title, expr }) => metricNames(expr).map((name) => ({ title, name })))
    expect(asked.length).toBeGreaterThanOrEqual(8)
    expect(asked.filter(({ name }) => !exported.has(name))).toEqual([])
  })
})
