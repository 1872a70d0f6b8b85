// The empty server of bench:http-instrumentation: node:http reading each request's JSON body and
// answering a small JSON document, nothing else: no storage, no routing, no validation.
// HTTP_TELEMETRY starts the OpenTelemetry SDK first, with the zero-code HTTP instrumentation
// alone, as demo/instrumentation.ts configures it for Draw64 (stable HTTP conventions, its
// request-duration histogram):
//   unrecorded  its spans started but not recorded (always_off), no metric reader;
//   histogram   the same, and the Prometheus reader that records its histogram (never scraped);
//   recorded    the same, and its spans recorded, then handed to a processor that drops them.
// BUSY_MICROS spins that long on each request instead: a known CPU cost, to read the others by.
import { createRequire } from 'node:module'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { AlwaysOffSampler, AlwaysOnSampler, type SpanProcessor } from '@opentelemetry/sdk-trace'

const telemetry = process.env.HTTP_TELEMETRY
const busyMillis = Number(process.env.BUSY_MICROS ?? 0) / 1000
const dropSpans: SpanProcessor = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }

if (telemetry) {
  new NodeSDK({
    sampler: telemetry === 'recorded' ? new AlwaysOnSampler() : new AlwaysOffSampler(),
    spanProcessors: [dropSpans],
    metricReaders: telemetry === 'unrecorded' ? [] : [new PrometheusExporter({ preventServerStart: true })],
    instrumentations: [new HttpInstrumentation()],
  }).start()
}

// Required once the SDK has started: the instrumentation patches node:http as it is required.
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http')
const answer = JSON.stringify({ image: { id: 'bench', updatedAt: new Date().toISOString(), updateCount: 1 } })

http
  .createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
      for (const start = performance.now(); performance.now() - start < busyMillis; );
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) })
      response.end(answer)
    })
  })
  .listen(Number(process.env.PORT), '127.0.0.1')
