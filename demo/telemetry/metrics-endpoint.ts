// GET /metrics: the Prometheus exposition of the SDK's Prometheus reader, served here rather than
// by the exporter's own server, because the room reaches it too (the slides' proxy serves it to
// every phone following the deck, and in LAN mode it listens on the LAN). A collection costs
// the process ~8 ms; a room of phones, or one phone in a loop, asking for it would slow every
// draw down. So attendees get the last collection, at most COLLECTED_EVERY_MS old, and spend
// from the reads budget like any heavy read; the speaker's machine (the slides, Prometheus,
// the tests) gets a fresh one each time.
import http from 'node:http'
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import type { Draw64Config } from '../config.ts'
import { clientIdentity } from '../http/client-address.ts'
import { createRateLimiter } from '../http/rate-limit.ts'
import { sendError } from '../http/respond.ts'

export const METRICS_PATH = '/metrics'
const COLLECTED_EVERY_MS = 1000

// The bootstrap loads this module before the SDK starts, when a meter would be a no-op for good:
// the app's instruments are imported once a refusal is to be counted.
async function countRefusal(): Promise<void> {
  const { rateLimitRejections } = await import('../instruments.ts')
  rateLimitRejections.add(1, { 'http.route': METRICS_PATH, 'draw64.budget': 'reads' })
}

export function serveMetrics(reader: PrometheusExporter, config: Pick<Draw64Config, 'metricsHost' | 'metricsPort' | 'budgets'>): http.Server {
  // The exporter's own defaults: no prefix, no timestamps, target_info and scope labels kept.
  const serializer = new PrometheusSerializer()
  const reads = createRateLimiter(config.budgets.reads)
  async function exposition(): Promise<string> {
    const { resourceMetrics } = await reader.collect()
    return serializer.serialize(resourceMetrics)
  }
  let shared: { atMs: number; text: Promise<string> } | undefined
  function sharedExposition(): Promise<string> {
    if (!shared || performance.now() - shared.atMs > COLLECTED_EVERY_MS) shared = { atMs: performance.now(), text: exposition() }
    return shared.text
  }

  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?', 1)[0] !== METRICS_PATH) {
      response.writeHead(404).end()
      return
    }
    const client = clientIdentity(request)
    if (client.kind === 'attendee') {
      const decision = reads.take(client.id)
      if (!decision.allowed) {
        void countRefusal()
        sendError(response, 429, `too many reads from client ${client.id}: retry in ${decision.retryAfterSeconds} s`, { 'retry-after': String(decision.retryAfterSeconds) })
        return
      }
    }
    ;(client.kind === 'attendee' ? sharedExposition() : exposition()).then(
      (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`# failed to collect metrics: ${error.message}\n`),
    )
  })
  server.listen(config.metricsPort, config.metricsHost)
  // The process leaves when the app does: this server alone does not hold it (as the exporter's).
  return server.unref()
}
