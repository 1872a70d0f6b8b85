// Starts Draw64: database, event stream, routes, HTTP server. Telemetry is set up before this
// file runs, by demo/telemetry.ts (see the "demo" script in package.json).
import type { AddressInfo } from 'node:net'
import { loadConfig } from './config.ts'
import { createFaults } from './control/faults.ts'
import { createLoadGenerator } from './control/load-generator.ts'
import { createEventStream } from './http/event-stream.ts'
import { controlRoutes } from './http/routes/control.ts'
import { imageRoutes } from './http/routes/images.ts'
import { operationRoutes } from './http/routes/operations.ts'
import { webRoutes } from './http/routes/web.ts'
import { createHttpServer } from './http/server.ts'
import { createImageService } from './image-service.ts'
import { observeActiveImages } from './instruments.ts'
import { logger } from './logger.ts'
import { openDatabase } from './storage/database.ts'
import { createImageStore } from './storage/image-store.ts'

const config = loadConfig()
const faults = createFaults()
const store = createImageStore(openDatabase(config.dataDir, config.synchronous), () => faults.beforeStatement())
const events = createEventStream()
const images = createImageService(store, events, faults)
observeActiveImages(() => store.countUntraced())

const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host
const load = createLoadGenerator(() => `http://${shownHost === 'localhost' ? '127.0.0.1' : shownHost}:${(server.address() as AddressInfo).port}`)

const server = createHttpServer([
  ...webRoutes(),
  ...imageRoutes(images),
  ...operationRoutes(images, store, events),
  ...controlRoutes(faults, load),
])

server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo
  logger.info(
    { url: `http://${shownHost}:${port}`, metrics: `http://${config.metricsHost}:${config.metricsPort}/metrics` },
    `Draw64 listening on http://${shownHost}:${port}`,
  )
})

function shutdown(signal: string): void {
  logger.info(`${signal} received, closing`)
  load.stop()
  events.close()
  server.close(() => store.close())
  server.closeAllConnections()
  // Should anything hold the loop open, leave anyway.
  setTimeout(() => process.exit(0), 3000).unref()
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => shutdown(signal))
