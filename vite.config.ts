// Slidev's Vite extension: the same-origin proxy from the slides to Draw64 and its /metrics.
import { defineConfig } from 'vite'
import { loadConfig } from './demo/config.ts'
import { DRAW64_PROXY_PATH, METRICS_PROXY_PATH } from './lib/demo-endpoints.ts'

const demo = loadConfig()
// The slides' server always reaches a local demo through loopback, even when it serves the LAN.
const local = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)

export default defineConfig({
  server: {
    proxy: {
      [METRICS_PROXY_PATH]: {
        target: `http://${local(demo.metricsHost)}:${demo.metricsPort}`,
        rewrite: () => '/metrics',
      },
      [`^${DRAW64_PROXY_PATH}/`]: {
        target: `http://${local(demo.host)}:${demo.port}`,
        rewrite: (path) => path.slice(DRAW64_PROXY_PATH.length),
        // X-Forwarded-For tells Draw64 who is really asking: demo control answers only the
        // speaker's machine, not an attendee reaching the deck over the LAN.
        xfwd: true,
      },
    },
  },
  // Found late by the optimiser otherwise, which then reloads the page in the middle of a test.
  optimizeDeps: {
    include: [
      'uplot',
      // The browser's own tracing (demo/web/browser-tracing.js).
      '@opentelemetry/api',
      '@opentelemetry/exporter-trace-otlp-http',
      '@opentelemetry/instrumentation',
      '@opentelemetry/instrumentation-fetch',
      '@opentelemetry/resources',
      '@opentelemetry/sdk-trace-web',
    ],
  },
  // Vite 8's default CSS minifier (lightningcss) rejects a selector in Slidev's styles.
  build: { cssMinify: 'esbuild' },
})
