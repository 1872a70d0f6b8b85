import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFamily, parsePrometheusText, sumSamples } from '../../lib/prometheus-text.ts'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { drawAlong, json, putCommand, randomTraceparent, spansOfTrace, traceIdOf } from '../support/http.ts'
import { connectEvents } from '../support/sse.ts'
import type { ReplicaInfo } from '../../lib/wire.ts'
import type { TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'

let balancer: Draw64Process
let base: string
let replicas: { name: string; port: number }[]

beforeAll(async () => {
  balancer = await startDraw64({ args: ['--replicas', '2'] })
  base = balancer.baseUrl
  replicas = (await json(await fetch(`${base}/api/demo/replicas`))).replicas
  await fetch(`${base}/api/images/shared`, { method: 'POST' })
}, 60_000)
afterAll(() => balancer.stop())

describe('HA topology: a balancer in front of two replicas', () => {
  it('makes one trace of a stroke, across the balancer and a replica', async () => {
    const traceparent = randomTraceparent()
    const traceId = traceIdOf(traceparent)
    const response = await fetch(`${base}/api/images/shared`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({ command: { command_type: 'draw', values: [[3, 3, 3, 3, 3]] } }),
    })
    expect(response.status).toBe(200)
    const replica = response.headers.get('x-draw64-replica')!

    await expect.poll(async () => (await spansOfTrace(base, traceId)).length, { timeout: 5000 }).toBeGreaterThanOrEqual(9)
    const spans = await spansOfTrace(base, traceId)
    expect(new Set(spans.map((span) => span.serviceName))).toEqual(new Set(['draw64-lb', replica]))

    const edge = spans.find((span) => span.serviceName === 'draw64-lb' && span.kind === 2)!
    const replicaServer = spans.find((span) => span.serviceName === replica && span.kind === 1)!
    expect(replicaServer.name).toBe('PUT /api/images/:id')
    expect(replicaServer.parentSpanId).toBe(edge.spanId)
    expect(spans.find((span) => span.serviceName === 'draw64-lb' && span.kind === 1)?.name).toBe('PUT /api/images/:id')
    // Each span says the version of its process: the balancer's package, the replicas' first release.
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(new Set(spans.map((span) => `${span.serviceName} ${span.serviceVersion}`))).toEqual(new Set([`draw64-lb ${version}`, `${replica} 1`]))
  })

  it('serves the logs of the replicas on the balancer, with their trace ids', async () => {
    await putCommand(base, 'shared', { command_type: 'clear_canvas' })
    await expect
      .poll(async () => (await json(await fetch(`${base}/api/telemetry/logs`))).logs.some((log: any) => log.body === 'clear_canvas applied to shared' && log.traceId), { timeout: 5000 })
      .toBe(true)
  })

  it('tells the clients of both replicas about every stroke, whichever replica took it', async () => {
    const clients = await Promise.all(replicas.map((replica) => connectEvents(`http://127.0.0.1:${replica.port}/api/events`)))
    const takenBy = new Set<string>()
    for (let n = 0; n < 6; n++) {
      const response = await putCommand(base, 'shared', { command_type: 'draw', values: [[n, 10, 50, 50, 50]] })
      takenBy.add(response.headers.get('x-draw64-replica')!)
    }
    expect(takenBy.size).toBe(2)
    for (const client of clients) {
      for (let n = 0; n < 6; n++) {
        const event = await client.next('image_updated', (data) => data.command.values?.[0]?.[0] === n && data.command.values[0][1] === 10)
        expect(event.data.id).toBe('shared')
      }
      client.close()
    }
  })

  it('ends a replica\'s event stream with its client, even one that hangs up at once', async () => {
    // Each phone asks for the stream and resets its connection straight away, before the replica answers.
    for (let phone = 0; phone < 60; phone++) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(new URL(base).port), '127.0.0.1', () => {
          socket.write(`GET /api/events HTTP/1.1\r\nhost: draw64\r\nx-forwarded-for: 10.9.0.${phone}\r\n\r\n`)
          socket.resetAndDestroy()
          resolve()
        })
        socket.on('error', () => resolve())
      })
    }
    const streamsOpen = async () => {
      const counts = await Promise.all(replicas.map(async (replica) => (await json(await fetch(`http://127.0.0.1:${replica.port}/api/statistics`))).connectedUsers as number))
      return counts.reduce((sum, count) => sum + count, 0)
    }
    await expect.poll(streamsOpen, { timeout: 5000, interval: 250 }).toBe(0)
  })

  it('lists each replica with its state, version and port', async () => {
    const list = await json(await fetch(`${base}/api/demo/replicas`))
    expect(list).toMatchObject({ min: 1, max: 4, rollingOut: null })
    expect(list.replicas).toEqual([
      { name: 'draw64-replica-1', state: 'ready', version: '1', port: expect.any(Number) },
      { name: 'draw64-replica-2', state: 'ready', version: '1', port: expect.any(Number) },
    ])
  })

  it('refuses bad input with a 400 and changes nothing', async () => {
    const before = await replicaList()
    const answers = await Promise.all([
      fetch(`${base}/api/demo/replicas`, { method: 'POST', headers: JSON_TYPE, body: '{"count": 3}' }),
      fetch(`${base}/api/demo/replicas`, { method: 'POST', headers: JSON_TYPE, body: 'not json' }),
      fetch(`${base}/api/demo/replicas/replica-1`, { method: 'DELETE' }),
      fetch(`${base}/api/demo/replicas/draw64-replica-1%00`, { method: 'DELETE' }),
      fetch(`${base}/api/demo/rollout`, { method: 'POST', headers: JSON_TYPE, body: '{"version": ""}' }),
      fetch(`${base}/api/demo/rollout`, { method: 'POST', headers: JSON_TYPE, body: '{"version": "2", "now": true}' }),
      fetch(`${base}/api/demo/faults/drawErrors`, { method: 'PUT', headers: JSON_TYPE, body: '{"enabled": true, "replica": "me"}' }),
    ])
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect((await json(answer)).error).toEqual(expect.any(String))
    }
    expect((await fetch(`${base}/api/demo/replicas/draw64-replica-9`, { method: 'DELETE' })).status).toBe(404)
    expect(await replicaList()).toEqual(before)
  })

  it('answers only the local machine', async () => {
    const remote = { 'x-forwarded-for': '198.51.100.7' }
    expect((await fetch(`${base}/api/demo/replicas`, { headers: remote })).status).toBe(403)
    expect((await fetch(`${base}/api/demo/replicas`, { method: 'POST', headers: remote })).status).toBe(403)
    expect((await fetch(`${base}/api/demo/replicas/draw64-replica-1`, { method: 'DELETE', headers: remote })).status).toBe(403)
    expect((await replicaList()).filter((replica) => replica.state !== 'crashed')).toHaveLength(2)
  })

  it('shows every replica’s metrics in the balancer’s /metrics, one series per replica, valid for Prometheus', async () => {
    for (let n = 0; n < 4; n++) await putCommand(base, 'shared', { command_type: 'draw', values: [[n, 45, 1, 1, 1]] })
    const pixelsBy = async () => {
      const family = findFamily(await scrape(), 'draw64_pixels_drawn_total')
      return new Set(family?.samples.map((sample) => `${sample.labels.service_name}@${sample.labels.service_version}`))
    }
    await expect.poll(pixelsBy, { timeout: 5000 }).toEqual(new Set(['draw64-replica-1@1', 'draw64-replica-2@1']))
    // One family per metric for the whole system: the balancer's own series and the replicas' together.
    const text = await (await fetch(balancer.metricsUrl)).text()
    expect(text.match(/^# TYPE http_server_request_duration histogram$/gm)).toHaveLength(1)
    if (!promtoolAvailable) return console.warn('promtool is not installed: skipping promtool check metrics')
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0)
  })

  it('switches a fault on one replica: it fails half its draws while its health check stays green', async () => {
    const scoped = await fetch(`${base}/api/demo/faults/drawErrors`, { method: 'PUT', headers: JSON_TYPE, body: '{"enabled": true, "value": 50, "replica": "draw64-replica-2"}' })
    expect(scoped.status).toBe(200)
    expect(await json(scoped)).toMatchObject({ fault: { enabled: true, value: 50 }, replicas: ['draw64-replica-2'] })
    try {
      const byReplica = (await json(await fetch(`${base}/api/demo/faults`))).byReplica
      expect([byReplica['draw64-replica-1'].drawErrors.enabled, byReplica['draw64-replica-2'].drawErrors.enabled]).toEqual([false, true])

      const outcomes: Record<string, number[]> = { 'draw64-replica-1': [], 'draw64-replica-2': [] }
      for (let n = 0; n < 40; n++) {
        const answer = await putCommand(base, 'shared', { command_type: 'draw', values: [[n, 50, 7, 7, 7]] })
        outcomes[answer.headers.get('x-draw64-replica')!]!.push(answer.status)
      }
      expect(outcomes['draw64-replica-1']!.every((status) => status === 200)).toBe(true)
      const failed = outcomes['draw64-replica-2']!.filter((status) => status === 500).length
      expect(failed).toBeGreaterThan(0)
      expect(failed).toBeLessThan(outcomes['draw64-replica-2']!.length)

      const faulty = replicas.find((replica) => replica.name === 'draw64-replica-2')!
      expect((await fetch(`http://127.0.0.1:${faulty.port}/healthz`)).status).toBe(200)
      expect((await replicaList()).map((replica) => replica.state)).toEqual(['ready', 'ready'])

      // Monitoring tells what the health check does not: the errors, per replica, in /metrics.
      const serverErrorsOf = async (service: string) => sumSamples(findFamily(await scrape(), 'http_server_request_duration'),
        (labels) => labels.service_name === service && labels.http_response_status_code === '500', 'http_server_request_duration_count')
      await expect.poll(() => serverErrorsOf('draw64-replica-2'), { timeout: 5000 }).toBe(failed)
      expect(await serverErrorsOf('draw64-replica-1')).toBe(0)
    } finally {
      await fetch(`${base}/api/demo/faults/drawErrors`, { method: 'PUT', headers: JSON_TYPE, body: '{"enabled": false}' })
    }
  })

  it('keeps draws succeeding while a replica is killed, and records the refused call to it', async () => {
    const victim = (await replicaList()).find((replica) => replica.name === 'draw64-replica-1')!
    // About 100 draws a second in all: the refused call's span stays in the bounded buffer.
    const drawers = [30, 31, 32].map((row) => drawAlong(base, 'shared', row, [1, 2, 3], 25))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const killed = await fetch(`${base}/api/demo/replicas/${victim.name}`, { method: 'DELETE' })
    expect(killed.status).toBe(200)
    expect((await json(killed)).replicas.find((replica: ReplicaInfo) => replica.name === victim.name).state).toBe('crashed')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await Promise.all(drawers.map((drawer) => drawer.stop()))
    const statuses = drawers.flatMap((drawer) => drawer.statuses)

    expect(statuses.length).toBeGreaterThan(30)
    expect(statuses.filter((status) => status !== 200)).toEqual([])
    await expect.poll(async () => {
      const { spans } = await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))
      return (spans as TelemetrySpanJson[]).some((span) =>
        span.serviceName === 'draw64-lb' && span.kind === 2 && span.status.code === 2
        && span.attributes['server.port'] === victim.port && span.attributes['peer.service'] === victim.name)
    }, { timeout: 5000 }).toBe(true)
    // The last replica running stays: the demo needs one.
    const last = await fetch(`${base}/api/demo/replicas/draw64-replica-2`, { method: 'DELETE' })
    expect(last.status).toBe(409)
    expect((await json(last)).error).toMatch(/last replica/)
  })

  it('scales up to four replicas, refuses a fifth, and scales down by a kill', async () => {
    // The crashed replica's slot is taken first, under its name.
    const added = await json(await fetch(`${base}/api/demo/replicas`, { method: 'POST' }))
    expect(added.replica).toMatchObject({ name: 'draw64-replica-1', version: '1' })
    for (const name of ['draw64-replica-3', 'draw64-replica-4']) {
      const answer = await fetch(`${base}/api/demo/replicas`, { method: 'POST' })
      expect(answer.status).toBe(202)
      expect((await json(answer)).replica.name).toBe(name)
    }
    const fifth = await fetch(`${base}/api/demo/replicas`, { method: 'POST' })
    expect(fifth.status).toBe(409)
    expect((await json(fifth)).error).toMatch(/at most 4/)
    await expect.poll(async () => (await replicaList()).map((replica) => replica.state), { timeout: 30_000, interval: 250 }).toEqual(['ready', 'ready', 'ready', 'ready'])

    const served = new Set<string>()
    for (let n = 0; n < 8; n++) served.add((await putCommand(base, 'shared', { command_type: 'draw', values: [[n, 40, 9, 9, 9]] })).headers.get('x-draw64-replica')!)
    expect(served.size).toBe(4)

    expect((await fetch(`${base}/api/demo/replicas/draw64-replica-4`, { method: 'DELETE' })).status).toBe(200)
    expect((await fetch(`${base}/api/demo/replicas/draw64-replica-3`, { method: 'DELETE' })).status).toBe(200)
    await expect.poll(async () => (await replicaList()).filter((replica) => replica.state === 'ready').map((replica) => replica.name), { timeout: 5000 })
      .toEqual(['draw64-replica-1', 'draw64-replica-2'])
    for (let n = 0; n < 6; n++) expect((await putCommand(base, 'shared', { command_type: 'draw', values: [[n, 41, 9, 9, 9]] })).status).toBe(200)
  })

  it('records a killed replica’s refusal once even when no draw reaches it: an event stream finds it, or the next health check', async () => {
    const victim = (await replicaList()).find((replica) => replica.name === 'draw64-replica-1')!
    const killedAtNano = BigInt(Date.now()) * 1_000_000n
    expect((await fetch(`${base}/api/demo/replicas/${victim.name}`, { method: 'DELETE' })).status).toBe(200)
    // Two boards reconnect their event streams at once: round-robin sends one of them to the dead
    // replica, unless a health check found it first. Both get their stream.
    const streams = await Promise.all([connectEvents(`${base}/api/events`), connectEvents(`${base}/api/events`)])
    streams.forEach((stream) => stream.close())
    const refusals = async () => {
      const { spans } = await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))
      return (spans as TelemetrySpanJson[]).filter((span) =>
        span.serviceName === 'draw64-lb' && span.kind === 2 && span.status.code === 2 && span.attributes['peer.service'] === victim.name
        && ['/api/events', '/healthz'].includes(span.attributes['url.path'] as string) && BigInt(span.startTimeUnixNano) >= killedAtNano)
    }
    await expect.poll(async () => (await refusals()).length, { timeout: 5000 }).toBe(1)
    // Three health checks later, still the one: a replica found gone is not reported every second.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(await refusals()).toHaveLength(1)

    expect((await fetch(`${base}/api/demo/replicas/${victim.name}`, { method: 'POST' })).status).toBe(202)
    await expect.poll(async () => (await replicaList()).find((replica) => replica.name === victim.name)?.state, { timeout: 30_000, interval: 250 }).toBe('ready')
  }, 60_000)

  it('rolls out version 2 one replica at a time under 100 draws a second, losing none', async () => {
    const statuses: number[] = []
    const pending: Promise<void>[] = []
    const load = setInterval(() => {
      const x = statuses.length % 64
      pending.push(putCommand(base, 'shared', { command_type: 'draw', values: [[x, 60, 2, 2, 2]] }).then((answer) => {
        statuses.push(answer.status)
      }, () => void statuses.push(0)))
    }, 10)
    const snapshots: ReplicaInfo[][] = []
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const started = await fetch(`${base}/api/demo/rollout`, { method: 'POST', headers: JSON_TYPE, body: '{"version": "2"}' })
      expect(started.status).toBe(202)
      expect((await json(started)).rollingOut).toBe('2')
      expect((await fetch(`${base}/api/demo/rollout`, { method: 'POST', headers: JSON_TYPE, body: '{"version": "3"}' })).status).toBe(409)
      expect((await fetch(`${base}/api/demo/replicas`, { method: 'POST' })).status).toBe(409)

      await expect.poll(async () => {
        const list = await json(await fetch(`${base}/api/demo/replicas`))
        snapshots.push(list.replicas)
        return list.rollingOut === null && list.replicas.every((replica: ReplicaInfo) => replica.version === '2' && replica.state === 'ready')
      }, { timeout: 60_000, interval: 100 }).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 500))
    } finally {
      clearInterval(load)
      await Promise.all(pending)
    }

    expect(statuses.length).toBeGreaterThan(150)
    expect(statuses.filter((status) => status < 200 || status >= 300)).toEqual([])
    // Readiness before stopping: two replicas up at every moment of the rollout
    // (one may miss a health check or two on a loaded machine: "unhealthy", still running).
    for (const snapshot of snapshots) {
      expect(snapshot.filter((replica) => replica.state === 'ready' || replica.state === 'unhealthy').length, JSON.stringify(snapshot)).toBeGreaterThanOrEqual(2)
    }
    expect(snapshots.at(-1)!.map((replica) => replica.version)).toEqual(['2', '2'])
    // The metrics split by version: the room sees v2 take over.
    await expect.poll(async () => findFamily(await scrape(), 'draw64_pixels_drawn_total')?.samples.some((sample) => sample.labels.service_version === '2'), { timeout: 5000 }).toBe(true)
    // And the traces: the spans in version 2 are those of the new replicas, each of which served.
    await expect.poll(async () => {
      const { spans } = await json(await fetch(`${base}/api/telemetry/spans?limit=5000`))
      return new Set((spans as TelemetrySpanJson[]).filter((span) => span.serviceVersion === '2').map((span) => span.serviceName))
    }, { timeout: 5000 }).toEqual(new Set(snapshots.at(-1)!.map((replica) => replica.name)))
  }, 90_000)

  it('starts a replica added later with the flags switched on every replica, not those scoped to one', async () => {
    const [first, second] = (await replicaList()).map((replica) => replica.name)
    const put = (name: string, body: unknown) => fetch(`${base}/api/demo/faults/${name}`, { method: 'PUT', headers: JSON_TYPE, body: JSON.stringify(body) })
    expect((await put('drawLatency', { enabled: true, value: 100 })).status).toBe(200)
    expect((await put('drawErrors', { enabled: true, value: 10, replica: first })).status).toBe(200)
    try {
      const added = (await json(await fetch(`${base}/api/demo/replicas`, { method: 'POST' }))).replica.name
      await expect.poll(async () => (await replicaList()).find((replica) => replica.name === added)?.state, { timeout: 30_000, interval: 250 }).toBe('ready')
      await expect.poll(async () => (await json(await fetch(`${base}/api/demo/faults`))).byReplica[added]?.drawLatency, { timeout: 5000 })
        .toMatchObject({ enabled: true, value: 100 })
      const byReplica = (await json(await fetch(`${base}/api/demo/faults`))).byReplica
      expect([byReplica[first!].drawErrors.enabled, byReplica[second!].drawErrors.enabled, byReplica[added].drawErrors.enabled]).toEqual([true, false, false])
    } finally {
      await put('drawLatency', { enabled: false })
      await put('drawErrors', { enabled: false })
    }
  }, 60_000)
})

describe("HA topology started from a speaker's shell with OTEL_* settings of its own", () => {
  it('keeps the replicas\' telemetry on the balancer, cumulative, under the version they run', async () => {
    const speakers = await startDraw64({
      args: ['--replicas', '1'],
      env: {
        // Each would beat what the replicas are given: protobuf (the balancer reads JSON), an
        // endpoint where nobody listens, deltas (the balancer adds up cumulative counts), a version.
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://127.0.0.1:9/v1/logs',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=9,deployment.environment.name=stage',
      },
    })
    try {
      await fetch(`${speakers.baseUrl}/api/images/shell`, { method: 'POST' })
      const traceparent = randomTraceparent()
      const response = await fetch(`${speakers.baseUrl}/api/images/shell`, {
        method: 'PUT',
        headers: { ...JSON_TYPE, traceparent },
        body: JSON.stringify({ command: { command_type: 'draw', values: [[1, 1, 1, 1, 1]] } }),
      })
      const replica = response.headers.get('x-draw64-replica')!
      await expect.poll(async () => (await spansOfTrace(speakers.baseUrl, traceIdOf(traceparent))).find((span) => span.serviceName === replica)?.serviceVersion, { timeout: 5000 }).toBe('1')
      await expect
        .poll(async () => (await json(await fetch(`${speakers.baseUrl}/api/telemetry/logs`))).logs.some((log: any) => log.body === 'draw applied to shell' && log.traceId === traceIdOf(traceparent)), { timeout: 5000 })
        .toBe(true)

      const drawsCounted = async () => sumSamples(findFamily(parsePrometheusText(await (await fetch(speakers.metricsUrl)).text()), 'http_server_request_duration'),
        (labels) => labels.service_name === replica && labels.http_request_method === 'PUT', 'http_server_request_duration_count')
      await expect.poll(drawsCounted, { timeout: 5000 }).toBe(1)
      for (let n = 0; n < 3; n++) await putCommand(speakers.baseUrl, 'shell', { command_type: 'draw', values: [[n, 2, 1, 1, 1]] })
      await expect.poll(drawsCounted, { timeout: 5000 }).toBe(4)
    } finally {
      await speakers.stop()
    }
  }, 60_000)
})

const JSON_TYPE = { 'content-type': 'application/json' }

// promtool comes with the Debian package `prometheus` (as in stack.test.ts): required under CI=true.
const promtoolAvailable = !spawnSync('promtool', ['--version']).error
if (!promtoolAvailable && process.env.CI === 'true') throw new Error('CI=true and promtool is not installed (apt-get install prometheus)')

async function scrape() {
  return parsePrometheusText(await (await fetch(balancer.metricsUrl)).text())
}

async function replicaList(): Promise<ReplicaInfo[]> {
  return (await json(await fetch(`${base}/api/demo/replicas`))).replicas
}
