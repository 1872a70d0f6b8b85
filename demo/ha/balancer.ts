// HA mode (what `npm run demo` runs; `--replicas N`): a small load balancer on Draw64's port, in front
// of replicas sharing the SQLite file. Requests go round-robin to the healthy replicas (a
// refused connection tries the next one), through node:http, so the HTTP instrumentation
// propagates the W3C trace context: one stroke is one trace across balancer and replica.
// The balancer also serves the slides' telemetry endpoints, for all three processes.
import http from 'node:http'
import { REPLICA_BOUNDS, type Draw64Config } from '../config.ts'
import { createLoadGenerator } from '../control/load-generator.ts'
import { createLoadLock } from '../control/load-lock.ts'
import { createOverheadRunner } from '../control/overhead-runner.ts'
import { readBody } from '../http/body.ts'
import { createBudgets, withBudgets } from '../http/budgets.ts'
import { forwardedFor } from '../http/client-address.ts'
import { HttpError, sendJson } from '../http/respond.ts'
import type { Handler, RequestContext } from '../http/router.ts'
import { audienceRoutes } from '../http/routes/audience.ts'
import { cardinalityRoutes, loadRoutes, samplingRoutes } from '../http/routes/control.ts'
import { healthRoutes } from '../http/routes/health.ts'
import { otlpRoutes } from '../http/routes/otlp.ts'
import { FORWARDED_ROUTES, ROUTES } from '../http/routes/table.ts'
import { telemetryRoutes } from '../http/routes/telemetry.ts'
import { createHttpServer } from '../http/server.ts'
import { logger } from '../logger.ts'
import { faultListSchema, type FaultState } from '../../lib/wire.ts'
import { createFaults, type FaultName, type Faults } from '../control/faults.ts'
import { countDraw } from '../telemetry/cardinality-lab.ts'
import { createAutoscaler } from './autoscaler.ts'
import { autoscalerRoutes, faultRoutes, replicaRoutes } from './control-routes.ts'
import { recordRefusedCall } from './refused-calls.ts'
import { createReplicaSet, type Replica, type ReplicaSet } from './replicas.ts'

const isEventStream = (url: string | undefined) => url?.split('?', 1)[0] === ROUTES.events.pattern

/** Forwards one request to one replica; rejects with the connection error if it cannot connect. */
function forward(replica: Replica, { request, response }: RequestContext, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(`${replica.url}${request.url}`, { method: request.method, headers: { ...request.headers, host: new URL(replica.url).host, 'x-forwarded-for': forwardedFor(request) } })
    // The call ends with its client, even one gone before the replica answered or before this
    // call began: an event stream left open on the replica would hold one of the room's slots
    // and of its client's, with nobody reading it.
    const clientGone = () => {
      upstream.destroy()
      resolve()
    }
    if (response.destroyed) return clientGone()
    response.once('close', clientGone)
    upstream.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-draw64-replica': replica.name })
      answer.pipe(response)
      answer.on('end', resolve)
    })
    upstream.on('error', reject)
    upstream.end(body)
  })
}

/**
 * Round-robin: each request takes its turn as it arrives, so a concurrent burst is spread too.
 * A replica that refuses the connection (it crashed) is taken out of the rotation until its
 * health check passes again, and the request goes to the next one: the client sees no error.
 */
function proxy(set: ReplicaSet, firstReplicas: Promise<void>): Handler {
  let turn = 0
  return async (context) => {
    const body = await readBody(context.request)
    // While the first replicas start, a request waits for them rather than fail.
    if (set.routable().length === 0) await firstReplicas
    const healthy = set.rotation()
    const candidates = healthy.length > 0 ? healthy : set.lastResort()
    const first = turn++
    // A live-event stream: untraced (a span as long as the connection), and not in flight (a drain would wait for it).
    const stream = isEventStream(context.request.url)
    for (let attempt = 0; attempt < candidates.length; attempt++) {
      const replica = candidates[(first + attempt) % candidates.length]!
      if (!stream) replica.inFlight++
      const calledAt = Date.now()
      try {
        await forward(replica, context, body)
        return
      } catch (error) {
        if (context.response.headersSent) throw error
        replica.healthy = false
        if (stream) recordRefusedCall(replica, context.request.method ?? 'GET', ROUTES.events.pattern, calledAt)
        logger.warn(`${replica.name} refused ${context.request.method} ${context.request.url}: trying the next replica`)
      } finally {
        if (!stream) replica.inFlight--
      }
    }
    throw new HttpError(503, 'no replica is available')
  }
}

/**
 * The cardinality lab runs here, where the slides scrape /metrics: the balancer counts the draws
 * it forwards, with the attributes of its own copy of the flags (kept as the replicas answer).
 */
function mirrorFault(faults: Faults) {
  return (name: FaultName, fault: FaultState) => faults.set(name, fault.enabled, fault.value)
}

function countingDraws(faults: Faults, forward: Handler): Handler {
  return async (context) => {
    await forward(context)
    if (context.response.statusCode === 200) countDraw(faults.drawMetricAttributes())
  }
}

/** drawErrors as the replicas have it (the balancer switches it on all of them at once). */
async function drawErrorsOf(set: ReplicaSet): Promise<FaultState> {
  const replica = set.routable()[0]
  if (!replica) throw new HttpError(503, 'no replica is available')
  return faultListSchema.parse(await (await fetch(`${replica.url}/api/demo/faults`)).json()).faults.drawErrors!
}

export async function startBalancer(config: Draw64Config, count: number): Promise<void> {
  // The replicas export their telemetry to the balancer, so its port must be known in advance.
  if (config.port === 0) throw new Error('--replicas needs a fixed DRAW64_PORT')
  const ownUrl = () => `http://127.0.0.1:${config.port}`
  const set = await createReplicaSet(config, ownUrl)
  // The balancer listens at once, while its first replicas start: the slides' page and the
  // replicas' telemetry reach it meanwhile, /healthz (alive) answers, /readyz says 503 until all
  // of them are ready, and a request to a replica waits for one. Without replicas, no demo.
  let started = false
  let stopping = false
  const firstReplicas = set.start(count).then(() => void (started = true), (error: Error) => {
    // Stopped while they started (Ctrl-C at once): they left because they were told to.
    if (stopping) return
    logger.fatal({ err: error }, 'the first replicas did not start')
    process.exit(1)
  })
  const loadLock = createLoadLock()
  const load = createLoadGenerator(ownUrl, loadLock)
  const overhead = createOverheadRunner(loadLock)
  const forwardToReplica = proxy(set, firstReplicas)
  const faults = createFaults()
  const autoscaler = createAutoscaler(set, REPLICA_BOUNDS)

  // The budgets are spent here, in front of every replica: one budget per client, whatever the number of replicas.
  const server = createHttpServer(withBudgets([
    ...healthRoutes(({ response }) => {
      if (!started) throw new HttpError(503, 'the replicas are starting')
      const routable = set.routable().map((replica) => replica.name)
      if (routable.length === 0) throw new HttpError(503, 'no replica is healthy')
      sendJson(response, 200, { status: 'ready', replicas: routable })
    }),
    ...telemetryRoutes(),
    ...otlpRoutes(),
    ...audienceRoutes(() => config.port, config.lan),
    ...replicaRoutes(set),
    ...faultRoutes(set, mirrorFault(faults)),
    ...cardinalityRoutes(faults),
    ...samplingRoutes(() => drawErrorsOf(set)),
    ...autoscalerRoutes(autoscaler),
    ...loadRoutes(load, overhead),
    // Every route of Draw64 itself, by template, so the balancer's spans are named like the replicas'.
    ...FORWARDED_ROUTES.map((route) => ({ ...route, handler: route === ROUTES.applyCommand ? countingDraws(faults, forwardToReplica) : forwardToReplica })),
  ], createBudgets(config.budgets)))

  server.listen(config.port, config.host, () => {
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`
    logger.info({ url }, `Draw64 balancer listening on ${url}, starting ${count} replicas`)
  })
  void firstReplicas.then(() => logger.info({ replicas: set.list() }, `${count} replicas ready`))

  function shutdown(): void {
    if (stopping) return
    stopping = true
    load.stop()
    overhead.stop()
    autoscaler.stop()
    // The replicas send their last telemetry here as they leave: closed before them, this
    // server would refuse it, and each replica's exporter would retry until cut off at 3 s.
    void set.stopAll().then(() => {
      server.close()
      server.closeAllConnections()
    })
    setTimeout(() => process.exit(0), 3000).unref()
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, shutdown)
  // Started by `npm run dev` with an IPC channel: it closes when that process goes, even killed
  // with SIGKILL, and the balancer and its replicas leave with it instead of holding the port.
  if (process.channel) {
    process.channel.unref()
    process.once('disconnect', shutdown)
  }
}
