// The OpenTelemetry bootstrap, loaded before the app (`node --import ./demo/instrumentation.ts`),
// as in OpenTelemetry JS's getting-started: everything about the SDK lives here, and the app
// only asks the API for tracers and meters. OTEL_SDK_DISABLED=true turns all of it off.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { register as registerHooksThread } from 'node:module'
import type { IncomingMessage, RequestOptions } from 'node:http'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { HostMetrics } from '@opentelemetry/host-metrics'
import { getBooleanFromEnv, getStringListFromEnv } from '@opentelemetry/core'
import type { Instrumentation } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino'
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { AggregationType } from '@opentelemetry/sdk-metrics'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions'
import { register as registerHooksInThread, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs'
import { loadConfig, serviceName } from './config.ts'
import { peerServiceAt } from './ha/peers.ts'
import { pathMatcher } from './http/router.ts'
import { UNTRACED_PATTERNS } from './http/routes/table.ts'
import { BufferLogRecordProcessor, BufferSpanProcessor } from './telemetry/buffers.ts'
import { startCardinalityLab } from './telemetry/cardinality-lab.ts'
import { DeltaReader, startTemporality } from './telemetry/temporality.ts'
import { METRICS_PATH, serveMetrics } from './telemetry/metrics-endpoint.ts'
import { headSampler, startTailSampling, tailSampler } from './telemetry/sampling.ts'
import { replicaMetricsProducer } from './telemetry/replica-metrics.ts'
import { logRecordProcessorsFromEnv, metricReadersFromEnv, spanProcessorsFromEnv } from './telemetry/exporters-from-env.ts'

const config = loadConfig()
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

// Requests that would make the slides watch themselves: the routes declared untraced (polling,
// health, the event stream, the demo controls), the browser's icon, and the scrapes of the
// Prometheus exporter's own server (same process).
const isUntracedPath = pathMatcher([...UNTRACED_PATTERNS, '/favicon.ico', METRICS_PATH])
const isUntraced = (request: IncomingMessage) => isUntracedPath(request.url ?? '')
// The HA balancer's forwarded requests to those paths are untraced too (an event stream would
// otherwise be one client span as long as the connection).
const isUntracedOutgoing = (request: RequestOptions) => isUntracedPath(request.path ?? '')

// The balancer's calls to its replicas name their peer, even when it refused the connection.
const peerOfOutgoing = (request: RequestOptions) => {
  const peer = peerServiceAt(request.port)
  return peer ? { 'peer.service': peer } : {}
}

// #region buckets
// Draws take well under 5 ms: finer buckets than the semantic conventions' default ones,
// so that p50/p95/p99 computed from the buckets mean something.
const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
// #endregion buckets

// What the instrumentations below patch: HttpInstrumentation, http and https; PinoInstrumentation, pino.
const HOOKED_MODULES = ['http', 'https', 'pino']

// Draw64's instrumentations, by the short names the zero-code agent
// (@opentelemetry/auto-instrumentations-node) gives them. Built only when chosen: an
// instrumentation patches its module as soon as it is constructed.
const INSTRUMENTATIONS: Record<string, () => Instrumentation> = {
  http: () =>
    new HttpInstrumentation({
      ignoreIncomingRequestHook: isUntraced,
      ignoreOutgoingRequestHook: isUntracedOutgoing,
      startOutgoingSpanHook: peerOfOutgoing,
    }),
  pino: () => new PinoInstrumentation(),
  'runtime-node': () => new RuntimeNodeInstrumentation(),
}

/** The agent's own switches: OTEL_NODE_ENABLED_INSTRUMENTATIONS keeps only those named, then OTEL_NODE_DISABLED_INSTRUMENTATIONS drops some. */
function chosenInstrumentations(): Instrumentation[] {
  const enabled = getStringListFromEnv('OTEL_NODE_ENABLED_INSTRUMENTATIONS')
  const disabled = getStringListFromEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? []
  return Object.entries(INSTRUMENTATIONS)
    .filter(([name]) => (!enabled || enabled.includes(name)) && !disabled.includes(name))
    .map(([, create]) => create())
}

function startTelemetry(): void {
  // ESM imports bypass require(): this hook lets the instrumentations patch pino and node:http.
  // It wraps those modules only, and runs in this thread where the Node can (24.11.1 and later,
  // 22.22.3 and later): hooking every import on the loader's own thread cost each Draw64 process
  // a round trip per module at start.
  if (supportsSyncHooks()) registerHooksInThread({ include: HOOKED_MODULES })
  else registerHooksThread('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: HOOKED_MODULES } })
  // Scraped with the rest: the chapter 6 cardinality lab's counter (telemetry/cardinality-lab.ts)
  // and, on the HA balancer, the metrics its replicas push to it (telemetry/replica-metrics.ts).
  // Served by telemetry/metrics-endpoint.ts, which the room reaches too, not by its own server.
  const prometheus = new PrometheusExporter({ preventServerStart: true, metricProducers: [startCardinalityLab(), replicaMetricsProducer] })
  // Port 0 serves no /metrics: the replicas run so, their metrics reach it through the balancer.
  if (config.metricsPort !== 0) {
    serveMetrics(prometheus, config).once('error', (error) => {
      // Taken by another process: the slides would chart whatever answers there. Stop instead, as for the API's port.
      console.error(`Draw64: /metrics cannot listen on ${config.metricsHost}:${config.metricsPort} (${error.message}); set OTEL_EXPORTER_PROMETHEUS_PORT to a free port`)
      process.exit(1)
    })
  }
  // The same counters read as delta too, for the Temporality slide (telemetry/temporality.ts).
  const delta = new DeltaReader()

  // #region sdk-pipelines
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName(),
      // An HA replica runs the version its balancer deployed (a rollout changes it).
      [ATTR_SERVICE_VERSION]: process.env.DRAW64_VERSION || version,
      'service.instance.id': randomUUID(),
    }),
    // Head sampling switchable from the slides; the tail policy sits before the slides' buffer (telemetry/sampling.ts).
    sampler: headSampler,
    spanProcessors: [new BufferSpanProcessor(tailSampler), ...spanProcessorsFromEnv()],
    logRecordProcessors: [new BufferLogRecordProcessor(), ...logRecordProcessorsFromEnv()],
    // #region prometheus
    metricReaders: [prometheus, delta, ...metricReadersFromEnv()],
    // #endregion prometheus
    // #endregion sdk-pipelines
    // #region sdk-instrumentations
    views: [
      {
        instrumentName: 'http.server.request.duration',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: HTTP_DURATION_BUCKETS } },
      },
    ],
    instrumentations: chosenInstrumentations(),
    // #endregion sdk-instrumentations
  })

  sdk.start()
  startTemporality(delta, prometheus)
  startTailSampling()
  new HostMetrics({ name: 'draw64', metricGroups: ['process.cpu', 'process.memory', 'system.cpu', 'system.memory'] }).start()

  // Flushes exporters and closes the /metrics server; the app closes its own server and database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void sdk.shutdown())
  }
}

// #region disabled
// The baseline for measuring overhead: no SDK, no hook, no /metrics server.
if (!getBooleanFromEnv('OTEL_SDK_DISABLED')) startTelemetry()
// #endregion disabled
