// Where the slides reach Draw64: same-origin paths that vite.config.ts proxies to the demo,
// so the speaker's deck works on the LAN and during export without CORS.

export const DRAW64_PROXY_PATH = '/draw64'
export const METRICS_PROXY_PATH = '/draw64-metrics'

export const endpoints = {
  spans: `${DRAW64_PROXY_PATH}/api/telemetry/spans`,
  logs: `${DRAW64_PROXY_PATH}/api/telemetry/logs`,
  temporality: `${DRAW64_PROXY_PATH}/api/telemetry/temporality`,
  metrics: METRICS_PROXY_PATH,
  images: `${DRAW64_PROXY_PATH}/api/images`,
  provenance: (imageId: string, x: number, y: number) =>
    `${DRAW64_PROXY_PATH}/api/images/${encodeURIComponent(imageId)}/provenance?x=${x}&y=${y}`,
  events: `${DRAW64_PROXY_PATH}/api/events`,
  join: `${DRAW64_PROXY_PATH}/api/join`,
  cardinality: `${DRAW64_PROXY_PATH}/api/demo/cardinality`,
  sampling: `${DRAW64_PROXY_PATH}/api/demo/sampling`,
  overhead: `${DRAW64_PROXY_PATH}/api/demo/overhead`,
} as const

/** Telemetry captured from a real run by `npm run capture`, shipped under public/. */
export const RECORDING_PATH = 'recorded/telemetry.json'

/** The last run of `npm run bench:overhead -- --record`: the overhead slide's reference, shipped under public/. */
export const OVERHEAD_RECORDING_PATH = 'recorded/overhead.json'
