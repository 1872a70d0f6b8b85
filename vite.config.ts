// Slidev's Vite extension: the same-origin proxy from the slides to Draw64 and its /metrics.
import { defineConfig } from 'vite'
import { loadConfig } from './demo/config.ts'
import { DRAW64_PROXY_PATH, METRICS_PROXY_PATH } from './lib/demo-endpoints.ts'

const demo = loadConfig()
// The slides' server always reaches a local demo through loopback, even when it serves the LAN.
const local = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)

export default defineConfig({
  server: {
    // Compiled as soon as the server listens, not when the browser asks: Slidev's play view, which
    // it only asks for once Slidev's entry has run, and the deck's components. Their classes then
    // reach UnoCSS before it first serves its stylesheet, which it otherwise regenerates and
    // pushes to the page again for each later module that brings new ones.
    warmup: { clientFiles: ['./node_modules/@slidev/client/pages/play.vue', './components/*.vue'] },
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
  // The optimiser crawls its entries for the browser's dependencies; Slidev gives it only its
  // own client. Crawling the deck's components too finds theirs (uPlot, the OpenTelemetry web
  // SDK, the QR code generator) in its first pass after an install, not during the first page
  // load, which then waits for a second pass and reloads.
  optimizeDeps: { entries: ['components/*.vue'] },
  // Vite 8's default CSS minifier (lightningcss) rejects a selector in Slidev's styles.
  build: { cssMinify: 'esbuild' },
})
