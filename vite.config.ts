// Slidev's Vite extension: the same-origin proxy from the slides to Draw64 and its /metrics.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import { loadConfig } from './demo/config.ts'
import { DRAW64_PROXY_PATH, METRICS_PROXY_PATH } from './lib/demo-endpoints.ts'

const demo = loadConfig()
// The slides' server always reaches a local demo through loopback, even when it serves the LAN.
const local = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)

// Slidev leaves its client's dependencies out of Vite's pre-bundling, so a first page load asked
// for ~170 raw modules of them (@vueuse/core alone is one 1.4 MB file, @vueuse/motion and
// popmotion ~40 more). These ten are pre-bundled instead: 39 raw requests remain, and the first
// live slide is up in about two thirds of the time (bench:dev-to-live). Vue itself stays
// excluded, and so external to these bundles: Slidev aliases it, and there must be one copy.
const PREBUNDLED = ['@vueuse/core', '@vueuse/shared', '@vueuse/math', '@vueuse/motion', 'floating-vue', 'fuse.js', 'vue-router', '@unhead/vue', '@slidev/rough-notation', 'drauu']

export default defineConfig({
  plugins: [
    {
      name: 'draw64:errors-stay-in-the-terminal-on-the-lan',
      apply: 'serve',
      // Vite sends every failed transform to every page. On the LAN, the room's requests can make
      // one fail at will: some 2 KB to each phone and the projector for one small request. The
      // terminal still shows each failure.
      configureServer(server) {
        if (!demo.lan) return
        const hot = server.environments.client.hot
        const send = hot.send.bind(hot) as (...args: unknown[]) => void
        hot.send = ((...args: unknown[]) => {
          if ((args[0] as { type?: string } | undefined)?.type === 'error') return
          send(...args)
        }) as typeof hot.send
      },
    },
    {
      name: 'draw64:prebundle-slidev-deps',
      // After Slidev's own config hook, whose exclusions it edits.
      enforce: 'post',
      config(config) {
        const deps = config.optimizeDeps
        if (!deps) return
        deps.exclude = (deps.exclude ?? []).filter((dep) => !PREBUNDLED.includes(dep))
        // Named as the client imports them (npm hoists them to the top): one bundle each. One
        // that cannot be found is only served raw again, as before.
        deps.include = [...(deps.include ?? []), ...PREBUNDLED]
      },
    },
  ],
  server: {
    // Draw64's data folder sits in the project (./data by default), where Vite would serve any
    // file to any client: its log, its SQLite file. A list given here replaces Vite's own, which
    // is therefore repeated first (Vite 8's defaults: environment files, keys, .git).
    fs: { deny: ['.env', '.env.*', '*.{crt,pem,key,p12,pfx,cer,der}', '.npmrc', '.yarnrc.yml', '**/.git/**', `${resolve(demo.dataDir)}/**`] },
    // On the LAN, the room's requests can make Vite fail a transform, and Vite shows every
    // failure to every page: not as an overlay on the projector during the talk.
    hmr: { overlay: !demo.lan },
    // Compiled as soon as the server listens, not when the browser asks: Slidev's play view, which
    // it only asks for once Slidev's entry has run, and the deck's components. Their classes then
    // reach UnoCSS before it first serves its stylesheet, which it otherwise regenerates and
    // pushes to the page again for each later module that brings new ones.
    warmup: { clientFiles: ['./node_modules/@slidev/client/pages/play.vue', './components/*.vue'] },
    proxy: {
      [METRICS_PROXY_PATH]: {
        target: `http://${local(demo.metricsHost)}:${demo.metricsPort}`,
        rewrite: () => '/metrics',
        // Attendees' scrapes are shared and budgeted (demo/telemetry/metrics-endpoint.ts).
        xfwd: true,
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
