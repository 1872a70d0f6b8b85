// Starts Draw64: database, event stream, routes, HTTP server; or, with --replicas N, the HA
// balancer and its replicas. Telemetry is set up before this file runs, by demo/instrumentation.ts
// (see the "demo" script in package.json).
import type { AddressInfo } from 'node:net'
import { loadConfig, replicasFromArgv } from './config.ts'
import { createFaults } from './control/faults.ts'
import { createLoadGenerator } from './control/load-generator.ts'
import { createLoadLock } from './control/load-lock.ts'
import { createOverheadRunner } from './control/overhead-runner.ts'
import { startBalancer } from './ha/balancer.ts'
import { createEventStream } from './http/event-stream.ts'
import { audienceRoutes } from './http/routes/audience.ts'
import { controlRoutes } from './http/routes/control.ts'
import { eventRoutes } from './http/routes/events.ts'
import { healthRoutes } from './http/routes/health.ts'
import { imageRoutes } from './http/routes/images.ts'
import { telemetryRoutes } from './http/routes/telemetry.ts'
import { webRoutes } from './http/routes/web.ts'
import { createBudgets, withBudgets } from './http/budgets.ts'
import { sendError, sendJson } from './http/respond.ts'
import { createHttpServer } from './http/server.ts'
import { createImageService } from './image-service.ts'
import { observeActiveImages } from './instruments.ts'
import { logger } from './logger.ts'
import { answerUsageRequests } from './process-usage.ts'
import { openDatabase } from './storage/database.ts'
import { replicateEvents } from './storage/event-log.ts'
import { createImageStore } from './storage/image-store.ts'

const config = loadConfig()
const replicas = replicasFromArgv()
if (replicas > 0) await startBalancer(config, replicas)
else startServer()

function startServer(): void {
  const faults = createFaults(Math.random, (fields, message) => logger.warn(fields, message))
  const beforeStatement = () => faults.beforeStatement()
  const db = openDatabase(config.dataDir, config.synchronous)
  const store = createImageStore(db, beforeStatement)
  const events = createEventStream(config.maxLiveStreams)
  // An HA replica shares its events with the others through the database they share.
  const replicaName = process.env.DRAW64_REPLICA
  const publisher = replicaName ? replicateEvents(db, replicaName, events, beforeStatement) : events
  const images = createImageService(store, publisher, faults.beforeDraw, faults.drawMetricAttributes)
  observeActiveImages(() => store.countUntraced())

  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host
  // The load worker runs on this machine: it reaches a server bound to every interface by loopback.
  const reachableHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  const loadLock = createLoadLock()
  const load = createLoadGenerator(() => `http://${reachableHost}:${(server.address() as AddressInfo).port}`, loadLock)
  const overhead = createOverheadRunner(loadLock)

  const server = createHttpServer(withBudgets([
    ...webRoutes(),
    ...imageRoutes(images),
    ...audienceRoutes(() => (server.address() as AddressInfo).port, config.lan),
    ...healthRoutes(({ response }) => {
      try {
        store.ping()
        sendJson(response, 200, { status: 'ready' })
      } catch (error) {
        sendError(response, 503, `database unavailable: ${(error as Error).message}`)
      }
    }),
    ...eventRoutes(events),
    ...telemetryRoutes(),
    ...controlRoutes(faults, load, overhead),
  ], createBudgets(config.budgets)))

  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo
    logger.info(
      { url: `http://${shownHost}:${port}`, ...(config.metricsPort !== 0 && { metrics: `http://${config.metricsHost}:${config.metricsPort}/metrics` }) },
      `Draw64 listening on http://${shownHost}:${port}`,
    )
  })

  function shutdown(signal: string): void {
    logger.info(`${signal} received, closing`)
    load.stop()
    overhead.stop()
    events.close()
    server.close(() => store.close())
    server.closeAllConnections()
    // Should anything hold the loop open, leave anyway.
    setTimeout(() => process.exit(0), 3000).unref()
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => shutdown(signal))
  // An HA replica leaves with its balancer, even one killed with SIGKILL: their IPC channel
  // closes. Unreferenced, the channel alone does not keep the replica running.
  // The overhead measurement's servers leave with the process that measures them, the same way.
  if (process.channel) {
    process.channel.unref()
    process.once('disconnect', () => shutdown('parent gone'))
    answerUsageRequests()
  }
}
