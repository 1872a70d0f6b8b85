// The canonical bootstrap the slide "Le bootstrap" shows: what an attendee copies into their own
// app, loaded before it with `node --import ./instrumentation.ts app.js`. Draw64's own bootstrap
// (demo/instrumentation.ts) does the same plus the slides' buffers; tests/integration/examples.test.ts
// runs this one. Everything not written here comes from the standard OTEL_* variables.
// #region node-sdk
import { NodeSDK } from '@opentelemetry/sdk-node'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino'

const sdk = new NodeSDK({
  serviceName: 'draw64', // OTEL_SERVICE_NAME wins
  metricReaders: [new PrometheusExporter({ port: Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT ?? 9464) })],
  instrumentations: [new HttpInstrumentation(), new PinoInstrumentation()],
}) // traces and logs: OTEL_TRACES_EXPORTER, OTEL_LOGS_EXPORTER
sdk.start()
process.once('SIGTERM', () => void sdk.shutdown())
// #endregion node-sdk
