// The live service map of Draw64, computed from the spans alone, as Jaeger's or Tempo's service
// graphs are: a call is a span whose parent (same trace) belongs to another service, and a
// database is named by the `db.system.name` of the client spans that reach it.
import { latestEndMs, spanEndMs, type TelemetrySpan } from './span-tree.ts'

export type NodeHealth = 'ok' | 'degraded' | 'down'

export interface ServiceNode {
  /** The `service.name`, or the `db.system.name` for a database. */
  name: string
  /** A client (a browser, a load generator) calls others and serves nothing itself. */
  kind: 'service' | 'database' | 'client'
  /** Requests per second over the window: served (SERVER spans, or statements), or for a client, made. */
  requestRate: number
  /** Share (0–1) of those requests that failed. */
  errorShare: number
  /** End of its latest span; undefined for a node only known from the edges of a previous graph. */
  lastSeenMs: number | undefined
  health: NodeHealth
  /**
   * The `service.version`s of its spans that ended in the window, oldest first: two during a
   * rollout that kept its name. With none there, the last one known. Empty for a database, or a
   * service without a version (a browser).
   */
  versions: string[]
}

export interface ServiceEdge {
  from: string
  to: string
  /** Calls per second over the window. */
  callRate: number
  /** Share (0–1) of those calls that failed. */
  errorShare: number
  /** End of the latest call seen, in or before the window. */
  lastCallMs: number
}

export interface ServiceGraph {
  /** Sorted by name. */
  nodes: ServiceNode[]
  /** Sorted by caller, then callee. */
  edges: ServiceEdge[]
  /** End of the latest span received, if any. */
  lastSpanMs: number | undefined
}

export interface ServiceGraphOptions {
  /**
   * Rates count the spans that ended in the last windowMs before nowMs, or before the latest span
   * when it is less than a second older (a span from a clock a little ahead counts too).
   */
  windowMs: number
  nowMs: number
  /** Silent this long while the rest of the graph kept sending spans: down. */
  staleMs?: number
  /** Silent this long while the rest of the graph kept sending spans: dropped from the map. */
  forgetMs?: number
  /** Spans that ended before this may have been dropped from a bounded buffer: rates count from here. */
  completeSinceMs?: number
  /**
   * The graph of the previous poll: a bounded span buffer soon drops the spans of a service that
   * stopped, and the map keeps showing it (down) from here until it is forgotten.
   */
  previous?: ServiceGraph
}

export interface NodePosition {
  /** 0 (left) to 1 (right): the layer, the longest chain of calls leading to the node. */
  x: number
  /** 0 (top) to 1 (bottom): the rank in the layer, by name. */
  y: number
  layer: number
}

export const DEFAULT_STALE_MS = 3000
export const DEFAULT_FORGET_MS = 120_000

// How late a finished span may reach the slides: the poll interval, and then some.
const FEED_LAG_MS = 1000
const SPAN_KIND_SERVER = 1
const SPAN_KIND_CLIENT = 2
const STATUS_ERROR = 2

/** One request seen by whoever served it (`to`), and by whoever made it (`from`), if known. */
interface Call {
  from: string | undefined
  to: string
  toKind: ServiceNode['kind']
  endMs: number
  failed: boolean
  /** The callee's own SERVER span (or a statement): counts in the requests it served. */
  served: boolean
}

export function buildServiceGraph(spans: readonly TelemetrySpan[], options: ServiceGraphOptions): ServiceGraph {
  const { previous } = options
  const lastSpanMs = latest(latestEndMs(spans), previous?.lastSpanMs)
  if (lastSpanMs === undefined) return { nodes: [], edges: [], lastSpanMs }

  const calls = collectCalls(spans)
  const tally = tallyWindow(calls, lastSpanMs, options)
  const forgetMs = options.forgetMs ?? DEFAULT_FORGET_MS
  // Measured against the latest span, not the clock: when nobody draws, every service is
  // silent, and none of them is down (or forgotten) for that.
  const remembered = (ms: number | undefined) => ms !== undefined && lastSpanMs - ms <= forgetMs
  const edges = buildEdges(calls, tally, previous, remembered)
  const nodes = buildNodes(spans, calls, edges, tally, previous, remembered, lastSpanMs - (options.staleMs ?? DEFAULT_STALE_MS))
  return { nodes, edges, lastSpanMs }
}

/** The calls of the window, and how to turn a count of them into a rate. */
interface Tally {
  calls: Call[]
  perSecond: (count: number) => number
  /** Spans that ended after this are in the window. */
  startMs: number
}

function tallyWindow(calls: readonly Call[], lastSpanMs: number, { windowMs, nowMs, completeSinceMs }: ServiceGraphOptions): Tally {
  // The window ends at the latest span while spans keep coming: those that ended since are
  // still on their way (one poll or more), and would be missed. When they stop, it follows the clock.
  const end = Math.min(nowMs, Math.max(lastSpanMs, nowMs - FEED_LAG_MS))
  const start = Math.max(end - windowMs, completeSinceMs ?? Number.NEGATIVE_INFINITY)
  return {
    calls: calls.filter((call) => call.endMs > start),
    perSecond: (count) => (count * 1000) / Math.max(1, end - start),
    startMs: start,
  }
}

function buildEdges(
  calls: readonly Call[], tally: Tally, previous: ServiceGraph | undefined, remembered: (ms: number) => boolean,
): ServiceEdge[] {
  const lastCall = new Map<string, number>()
  for (const edge of previous?.edges ?? []) lastCall.set(edgeKey(edge.from, edge.to), edge.lastCallMs)
  for (const call of calls) {
    if (call.from === undefined) continue
    const key = edgeKey(call.from, call.to)
    lastCall.set(key, latest(call.endMs, lastCall.get(key))!)
  }
  return [...lastCall]
    .filter(([, lastCallMs]) => remembered(lastCallMs))
    .map(([key, lastCallMs]): ServiceEdge => {
      const [from, to] = key.split(EDGE_KEY_SEPARATOR) as [string, string]
      const counted = tally.calls.filter((call) => call.from === from && call.to === to)
      return { from, to, callRate: tally.perSecond(counted.length), errorShare: failedShare(counted), lastCallMs }
    })
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
}

function buildNodes(
  spans: readonly TelemetrySpan[], calls: readonly Call[], edges: readonly ServiceEdge[], tally: Tally,
  previous: ServiceGraph | undefined, remembered: (ms: number | undefined) => boolean, downBeforeMs: number,
): ServiceNode[] {
  const kinds = new Map<string, ServiceNode['kind']>()
  const lastSeen = new Map<string, number>()
  const servesRequests = new Map<string, boolean>()
  const see = (name: string, kind: ServiceNode['kind'], ms: number | undefined) => {
    kinds.set(name, kinds.get(name) === 'database' ? 'database' : kind)
    const seen = latest(ms, lastSeen.get(name))
    if (seen !== undefined) lastSeen.set(name, seen)
  }
  for (const node of previous?.nodes ?? []) see(node.name, node.kind, node.lastSeenMs)
  for (const span of spans) {
    see(span.serviceName, 'service', spanEndMs(span))
    servesRequests.set(span.serviceName, servesRequests.get(span.serviceName) || span.kind === SPAN_KIND_SERVER)
  }
  for (const call of calls) if (call.toKind === 'database') see(call.to, 'database', call.endMs)
  const versions = versionsByService(spans, tally.startMs, previous)

  // A node only known from a remembered edge stays while that edge is remembered.
  const names = new Set([...kinds.keys()].filter((name) => remembered(lastSeen.get(name))))
  for (const edge of edges) names.add(edge.from).add(edge.to)
  const callers = new Set(edges.map((edge) => edge.from))
  const kindOf = (name: string): ServiceNode['kind'] => {
    const serves = servesRequests.get(name)
    if (kinds.get(name) === 'database') return 'database'
    // A service whose spans all left the buffer keeps the kind it had.
    if (serves === undefined) return kinds.get(name) ?? 'service'
    return serves || !callers.has(name) ? 'service' : 'client'
  }

  return [...names]
    .map((name): ServiceNode => {
      const kind = kindOf(name)
      const counted = tally.calls.filter((call) => (kind === 'client' ? call.from === name : call.served && call.to === name))
      const errorShare = failedShare(counted)
      const lastSeenMs = lastSeen.get(name)
      const down = lastSeenMs === undefined || lastSeenMs < downBeforeMs
      const health = down ? 'down' : errorShare > 0 ? 'degraded' : 'ok'
      return { name, kind, requestRate: tally.perSecond(counted.length), errorShare, lastSeenMs, health, versions: versions.get(name) ?? [] }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Each service's versions (ServiceNode.versions), ordered by the end of their latest span. */
function versionsByService(spans: readonly TelemetrySpan[], windowStartMs: number, previous: ServiceGraph | undefined): Map<string, string[]> {
  const latestByVersion = new Map<string, Map<string, number>>()
  for (const span of spans) {
    if (!span.serviceVersion) continue
    const byVersion = latestByVersion.get(span.serviceName) ?? new Map<string, number>()
    byVersion.set(span.serviceVersion, latest(spanEndMs(span), byVersion.get(span.serviceVersion))!)
    latestByVersion.set(span.serviceName, byVersion)
  }
  const versions = new Map<string, string[]>()
  // A service whose spans all left the buffer keeps the version it last ran.
  for (const node of previous?.nodes ?? []) if (node.versions.length > 0) versions.set(node.name, node.versions.slice(-1))
  for (const [service, byVersion] of latestByVersion) {
    const oldestFirst = [...byVersion].sort(([, a], [, b]) => a - b)
    const inWindow = oldestFirst.filter(([, endMs]) => endMs > windowStartMs).map(([version]) => version)
    versions.set(service, inWindow.length > 0 ? inWindow : [oldestFirst.at(-1)![0]])
  }
  return versions
}

/** « v2 », or « v1→v2 » while both versions serve; a version that has its own `v` keeps it. */
export function versionLabel(versions: readonly string[]): string {
  return versions.map((version) => (/^\d/.test(version) ? `v${version}` : version)).join('→')
}

/** Left-to-right layers (callers before callees), each spread top to bottom by name. */
export function layoutServiceGraph(graph: ServiceGraph): Record<string, NodePosition> {
  const layers = new Map(graph.nodes.map((node) => [node.name, 0]))
  // Longest path by relaxation; the cap keeps a call cycle from climbing forever.
  const cap = Math.max(0, graph.nodes.length - 1)
  for (let round = 0; round < graph.nodes.length; round++) {
    for (const edge of graph.edges) {
      const next = Math.min(cap, (layers.get(edge.from) ?? 0) + 1)
      if (layers.has(edge.to) && next > layers.get(edge.to)!) layers.set(edge.to, next)
    }
  }
  const lastLayer = Math.max(0, ...layers.values())
  const positions: Record<string, NodePosition> = {}
  for (let layer = 0; layer <= lastLayer; layer++) {
    const names = [...layers].filter(([, l]) => l === layer).map(([name]) => name).sort((a, b) => a.localeCompare(b))
    names.forEach((name, rank) => {
      positions[name] = { x: lastLayer === 0 ? 0.5 : layer / lastLayer, y: (rank + 0.5) / names.length, layer }
    })
  }
  return positions
}

/**
 * Every request between two parties found in the spans:
 * - a CLIENT span with `db.system.name`: a statement sent to that database;
 * - a CLIENT span with `peer.service`: a call to that service, as its caller saw it. It exists
 *   even when the peer never answered: a refused call (a crashed replica) is a failed call, a
 *   red edge, not silence. The peer's SERVER span under it then only counts as served;
 * - otherwise a span whose parent is in another service: the parent's service called the span's.
 * A refused call whose CLIENT span names no peer counts as a failure of the caller's own
 * request, not as an edge. A SERVER span whose parent is unknown (a root, or a caller outside
 * the buffer) is still a request its service served.
 */
function collectCalls(spans: readonly TelemetrySpan[]): Call[] {
  const byId = new Map(spans.map((span) => [`${span.traceId}/${span.spanId}`, span]))
  const calls: Call[] = []
  for (const span of spans) {
    const endMs = spanEndMs(span)
    const parent = span.parentSpanId ? byId.get(`${span.traceId}/${span.parentSpanId}`) : undefined
    const database = span.kind === SPAN_KIND_CLIENT ? span.attributes['db.system.name'] : undefined
    const peer = peerOf(span)
    if (typeof database === 'string' && database) {
      calls.push({ from: span.serviceName, to: database, toKind: 'database', endMs, failed: isFailed(span), served: true })
    } else if (peer !== undefined) {
      calls.push({ from: span.serviceName, to: peer, toKind: 'service', endMs, failed: isFailedCall(span), served: false })
    } else if (parent && parent.serviceName !== span.serviceName && peerOf(parent) === undefined) {
      const failed = isFailed(span) || (parent.kind === SPAN_KIND_CLIENT && isFailed(parent))
      const served = span.kind === SPAN_KIND_SERVER
      calls.push({ from: parent.serviceName, to: span.serviceName, toKind: 'service', endMs, failed, served })
    } else if (span.kind === SPAN_KIND_SERVER) {
      calls.push({ from: undefined, to: span.serviceName, toKind: 'service', endMs, failed: isFailed(span), served: true })
    }
  }
  return calls
}

/** The service a CLIENT span called, when it says (`peer.service`). */
function peerOf(span: TelemetrySpan): string | undefined {
  const peer = span.kind === SPAN_KIND_CLIENT ? span.attributes['peer.service'] : undefined
  return typeof peer === 'string' && peer ? peer : undefined
}

const EDGE_KEY_SEPARATOR = '\u0000'
const edgeKey = (from: string, to: string) => `${from}${EDGE_KEY_SEPARATOR}${to}`

function latest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b)
}

function isFailed(span: TelemetrySpan): boolean {
  const status = span.attributes['http.response.status_code']
  return span.status.code === STATUS_ERROR || (typeof status === 'number' && status >= 500)
}

/**
 * A call failed for its callee when it got no answer (refused, reset) or a 5xx. An HTTP client
 * span is an error from 400 on, but a 404 is the caller's mistake, not a failing service.
 */
function isFailedCall(span: TelemetrySpan): boolean {
  const status = span.attributes['http.response.status_code']
  return typeof status === 'number' ? status >= 500 : span.status.code === STATUS_ERROR
}

function failedShare(calls: readonly Call[]): number {
  return calls.length === 0 ? 0 : calls.filter((call) => call.failed).length / calls.length
}
