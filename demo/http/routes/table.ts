// Every route of Draw64, declared once without its handler: its template, whether its requests
// are traced, and whether the HA balancer answers it itself or forwards it to a replica. The
// route modules attach handlers to these; the bootstrap (demo/instrumentation.ts) derives the
// untraced paths from them and the balancer the routes it forwards. The bootstrap runs before
// the app is loaded, so this file imports nothing but the pure board model.
import { BROWSER_TRACES_PATH } from '../../domain/board.js'

export interface RouteDeclaration {
  readonly method: string
  /** The `http.route` of the span and of the duration metric: a template, never a raw URL. */
  readonly pattern: string
  /** false: no span, so the slides do not watch themselves poll (telemetry, health, control). */
  readonly traced: boolean
  /** 'own': the balancer answers it itself; 'forward': it forwards it to a replica. */
  readonly balancer: 'own' | 'forward'
  /** What an attendee's request spends from their per-client budgets (demo/http/budgets.ts). */
  readonly budget?: Budget
}

/**
 * writes: changes to images; reads: the heavy reads (PNG, pixels, telemetry pages); exports:
 * browser spans; streams: live-event connections held open at once.
 */
export type Budget = 'writes' | 'reads' | 'exports' | 'streams'

const route = (method: string, pattern: string, traced: boolean, balancer: RouteDeclaration['balancer'], budget?: Budget): RouteDeclaration => ({
  method, pattern, traced, balancer, ...(budget ? { budget } : {}),
})

// In matching order: `/api/images/:id.png` before `/api/images/:id`, which would match it too.
export const ROUTES = {
  page: route('GET', '/', true, 'forward'),
  webFile: route('GET', '/web/:file', true, 'forward'),

  listImages: route('GET', '/api/images', true, 'forward'),
  createImage: route('POST', '/api/images', true, 'forward', 'writes'),
  imagePng: route('GET', '/api/images/:id.png', true, 'forward', 'reads'),
  imagePixels: route('GET', '/api/images/:id/pixels', true, 'forward', 'reads'),
  pixelProvenance: route('GET', '/api/images/:id/provenance', true, 'forward', 'reads'),
  getImage: route('GET', '/api/images/:id', true, 'forward'),
  createImageNamed: route('POST', '/api/images/:id', true, 'forward', 'writes'),
  applyCommand: route('PUT', '/api/images/:id', true, 'forward', 'writes'),
  deleteImage: route('DELETE', '/api/images/:id', true, 'forward', 'writes'),
  statistics: route('GET', '/api/statistics', true, 'forward'),
  // An event stream would be one span as long as the connection.
  events: route('GET', '/api/events', false, 'forward', 'streams'),

  healthz: route('GET', '/healthz', false, 'own'),
  readyz: route('GET', '/readyz', false, 'own'),
  telemetrySpans: route('GET', '/api/telemetry/spans', false, 'own', 'reads'),
  telemetryLogs: route('GET', '/api/telemetry/logs', false, 'own', 'reads'),
  telemetryTemporality: route('GET', '/api/telemetry/temporality', false, 'own', 'reads'),

  join: route('GET', '/api/join', true, 'own'),
  browserTraces: route('POST', BROWSER_TRACES_PATH, false, 'own', 'exports'),
  otlpTraces: route('POST', '/otlp/v1/traces', false, 'own'),
  otlpLogs: route('POST', '/otlp/v1/logs', false, 'own'),
  otlpMetrics: route('POST', '/otlp/v1/metrics', false, 'own'),

  listFaults: route('GET', '/api/demo/faults', false, 'own'),
  setFault: route('PUT', '/api/demo/faults/:name', false, 'own'),
  loadStatus: route('GET', '/api/demo/load', false, 'own'),
  startLoad: route('POST', '/api/demo/load', false, 'own'),
  stopLoad: route('DELETE', '/api/demo/load', false, 'own'),
  overhead: route('GET', '/api/demo/overhead', false, 'own'),
  startOverhead: route('POST', '/api/demo/overhead', false, 'own'),
  stopOverhead: route('DELETE', '/api/demo/overhead', false, 'own'),
  cardinalityLab: route('GET', '/api/demo/cardinality', false, 'own'),
  setCardinalityView: route('PUT', '/api/demo/cardinality', false, 'own'),
  sampling: route('GET', '/api/demo/sampling', false, 'own'),
  setSampling: route('PUT', '/api/demo/sampling', false, 'own'),
  listReplicas: route('GET', '/api/demo/replicas', false, 'own'),
  addReplica: route('POST', '/api/demo/replicas', false, 'own'),
  killReplica: route('DELETE', '/api/demo/replicas/:name', false, 'own'),
  restartReplica: route('POST', '/api/demo/replicas/:name', false, 'own'),
  rollout: route('POST', '/api/demo/rollout', false, 'own'),
  autoscalerStatus: route('GET', '/api/demo/autoscaler', false, 'own'),
  setAutoscaler: route('PUT', '/api/demo/autoscaler', false, 'own'),
} as const satisfies Record<string, RouteDeclaration>

const declarations: readonly RouteDeclaration[] = Object.values(ROUTES)

/** The routes the balancer forwards to a replica, naming its own spans by the same template. */
export const FORWARDED_ROUTES = declarations.filter((declared) => declared.balancer === 'forward')

/** The templates whose requests create no span. */
export const UNTRACED_PATTERNS = [...new Set(declarations.filter((declared) => !declared.traced).map((declared) => declared.pattern))]
