import { describe, expect, it } from 'vitest'
import {
  buildServiceGraph,
  layoutServiceGraph,
  type ServiceGraph,
  versionLabel,
} from '../../lib/service-graph.ts'
import type { TelemetrySpan } from '../../lib/span-tree.ts'

// 2024-11-21T06:20:00Z: every time below is in milliseconds after it.
const T0_MS = 1_732_170_000_000
const SERVER = 1
const CLIENT = 2
const WINDOW = { windowMs: 10_000, nowMs: T0_MS + 10_000 }

let nextId = 0
function span(service: string, name: string, endMs: number, fields: Partial<TelemetrySpan> = {}): TelemetrySpan {
  const nanos = (ms: number) => (BigInt(T0_MS) * 1_000_000n + BigInt(Math.round(ms * 1e6))).toString()
  return {
    traceId: 'trace',
    spanId: `span-${++nextId}`,
    parentSpanId: '',
    name,
    kind: 0,
    serviceName: service,
    serviceVersion: '',
    startTimeUnixNano: nanos(endMs - 5),
    endTimeUnixNano: nanos(endMs),
    attributes: {},
    status: { code: 0 },
    events: [],
    ...fields,
  }
}

/** A child of `parent` in its trace. */
function child(parent: TelemetrySpan, service: string, name: string, endMs: number, fields: Partial<TelemetrySpan> = {}) {
  return span(service, name, endMs, { traceId: parent.traceId, parentSpanId: parent.spanId, ...fields })
}

type Failure = 'none' | 'status' | 'http500'

/** One stroke through the load balancer, as Draw64 in HA mode traces it; ends at `endMs`. */
function haStroke(replica: 1 | 2, endMs: number, failure: Failure = 'none'): TelemetrySpan[] {
  const traceId = `trace-${++nextId}`
  const fail = (fields: Partial<TelemetrySpan>): Partial<TelemetrySpan> =>
    failure === 'status' ? { ...fields, status: { code: 2, message: 'disk I/O error' } }
    : failure === 'http500' ? { ...fields, attributes: { 'http.response.status_code': 500 } }
    : { ...fields, attributes: { 'http.response.status_code': 200 } }
  const lbServer = span('draw64-lb', 'PUT /api/images/:id', endMs, { traceId, ...fail({ kind: SERVER }) })
  const lbClient = child(lbServer, 'draw64-lb', 'PUT', endMs - 1, { kind: CLIENT })
  const service = `draw64-replica-${replica}`
  const replicaServer = child(lbClient, service, 'PUT /api/images/:id', endMs - 2, fail({ kind: SERVER }))
  const apply = child(replicaServer, service, 'apply command', endMs - 3)
  const update = child(apply, service, 'UPDATE images', endMs - 4, { kind: CLIENT, attributes: { 'db.system.name': 'sqlite' } })
  return [lbServer, lbClient, replicaServer, apply, update]
}

/** Ten strokes ending at 1 s, 2 s, … 10 s, alternating replica 1 and replica 2. */
function tenStrokes(failure: (index: number) => Failure = () => 'none'): TelemetrySpan[] {
  return Array.from({ length: 10 }, (_, i) => haStroke(i % 2 === 0 ? 1 : 2, (i + 1) * 1000, failure(i))).flat()
}

/** The spans as their services' resources would mark them: `versions` by service name. */
function versioned(spans: readonly TelemetrySpan[], versions: Record<string, string>): TelemetrySpan[] {
  return spans.map((one) => ({ ...one, serviceVersion: versions[one.serviceName] ?? '' }))
}

const byName = (graph: ServiceGraph) => Object.fromEntries(graph.nodes.map((node) => [node.name, node]))
const edgeRates = (graph: ServiceGraph) => graph.edges.map((e) => [`${e.from}→${e.to}`, e.callRate, e.errorShare])

describe('buildServiceGraph', () => {
  it('shows a two-replica stroke as lb → each replica → sqlite, with calls per second over the window', () => {
    const outsideWindow = haStroke(1, -500)
    const graph = buildServiceGraph([...outsideWindow, ...tenStrokes()], WINDOW)

    expect(edgeRates(graph)).toEqual([
      ['draw64-lb→draw64-replica-1', 0.5, 0],
      ['draw64-lb→draw64-replica-2', 0.5, 0],
      ['draw64-replica-1→sqlite', 0.5, 0],
      ['draw64-replica-2→sqlite', 0.5, 0],
    ])
    expect(graph.nodes.map((node) => [node.name, node.kind, node.requestRate, node.errorShare, node.health])).toEqual([
      ['draw64-lb', 'service', 1, 0, 'ok'],
      ['draw64-replica-1', 'service', 0.5, 0, 'ok'],
      ['draw64-replica-2', 'service', 0.5, 0, 'ok'],
      ['sqlite', 'database', 1, 0, 'ok'],
    ])
    expect(byName(graph)['draw64-lb']!.lastSeenMs).toBe(T0_MS + 10_000)
    expect(byName(graph)['sqlite']!.lastSeenMs).toBe(T0_MS + 9996)
  })

  it('counts an error on replica 2 (span status or HTTP 5xx) on its edge, on it, and on the lb that answered 500', () => {
    // Strokes 2, 4, 6, 8, 10 go to replica 2: the 2nd fails by span status, the 4th by HTTP 500.
    const graph = buildServiceGraph(tenStrokes((i) => (i === 3 ? 'status' : i === 7 ? 'http500' : 'none')), WINDOW)
    const nodes = byName(graph)

    expect(edgeRates(graph)).toContainEqual(['draw64-lb→draw64-replica-2', 0.5, 0.4])
    expect(edgeRates(graph)).toContainEqual(['draw64-lb→draw64-replica-1', 0.5, 0])
    expect([nodes['draw64-replica-2']!.errorShare, nodes['draw64-replica-2']!.health]).toEqual([0.4, 'degraded'])
    expect([nodes['draw64-lb']!.errorShare, nodes['draw64-lb']!.health]).toEqual([0.2, 'degraded'])
    expect(nodes['draw64-replica-1']!.health).toBe('ok')
    expect(nodes['sqlite']!.health).toBe('ok')
  })

  it('counts a call once when the balancer’s client span names its peer (peer.service)', () => {
    const strokes = tenStrokes()
    const calledBy = (client: TelemetrySpan) => strokes.find((one) => one.parentSpanId === client.spanId)!.serviceName
    const named = strokes.map((one) => (one.kind === CLIENT && one.serviceName === 'draw64-lb'
      ? { ...one, attributes: { 'peer.service': calledBy(one), 'http.response.status_code': 200 } }
      : one))
    const graph = buildServiceGraph(named, WINDOW)
    expect(edgeRates(graph)).toContainEqual(['draw64-lb→draw64-replica-1', 0.5, 0])
    expect(edgeRates(graph)).toContainEqual(['draw64-lb→draw64-replica-2', 0.5, 0])
    expect(byName(graph)['draw64-replica-1']!.requestRate).toBe(0.5)
  })

  it('draws a call refused by a crashed replica as a failed edge to it, the stroke retried on the other', () => {
    // From 6 s, replica 1 is dead: the lb's call to it is refused, and it retries on replica 2.
    const refused = [6000, 8000, 10_000].flatMap((end) => {
      const retried = haStroke(2, end)
      const lbServer = retried[0]!
      const refusal = child(lbServer, 'draw64-lb', 'PUT', end - 4, {
        kind: CLIENT,
        status: { code: 2, message: 'connect ECONNREFUSED 127.0.0.1:40001' },
        attributes: { 'peer.service': 'draw64-replica-1', 'server.address': '127.0.0.1', 'server.port': 40001 },
      })
      return [...retried, refusal]
    })
    const graph = buildServiceGraph([...haStroke(1, 1000), ...haStroke(1, 3000), ...refused], { ...WINDOW, staleMs: 3000 })
    const nodes = byName(graph)

    expect(edgeRates(graph)).toContainEqual(['draw64-lb→draw64-replica-1', 0.5, 0.6])
    expect(nodes['draw64-replica-1']!.health).toBe('down')
    expect(nodes['draw64-lb']!.errorShare).toBe(0)
  })

  it('does not count a 404 answered by a replica as a failed call', () => {
    const lbServer = span('draw64-lb', 'GET /api/images/:id', 2000, { kind: SERVER, attributes: { 'http.response.status_code': 404 } })
    const lbClient = child(lbServer, 'draw64-lb', 'GET', 1999, { kind: CLIENT, status: { code: 2 }, attributes: { 'peer.service': 'draw64-replica-1', 'http.response.status_code': 404 } })
    const graph = buildServiceGraph([lbServer, lbClient], WINDOW)
    expect(graph.edges.map((edge) => edge.errorShare)).toEqual([0])
  })

  it('marks down a replica silent for longer than staleMs while the others keep serving', () => {
    // Replica 2 stops after its stroke at 4 s; the lb keeps sending everything to replica 1.
    const spans = [...haStroke(1, 1000), ...haStroke(2, 4000), ...[6000, 8000, 10_000].flatMap((end) => haStroke(1, end))]
    const nodes = byName(buildServiceGraph(spans, { ...WINDOW, staleMs: 3000 }))

    expect(nodes['draw64-replica-2']!.health).toBe('down')
    expect(nodes['draw64-replica-2']!.lastSeenMs).toBe(T0_MS + 3998)
    expect(nodes['draw64-replica-2']!.requestRate).toBe(0.1)
    expect(nodes['draw64-replica-1']!.health).toBe('ok')
    expect(nodes['draw64-lb']!.requestRate).toBe(0.5)
  })

  it('ends the window at the latest span while spans keep coming, at the clock less a second once they stop', () => {
    const lbRate = (nowMs: number) => byName(buildServiceGraph(tenStrokes(), { windowMs: 10_000, nowMs }))['draw64-lb']!.requestRate

    // 1 s after the last stroke, spans that ended since may still be on their way: 10 strokes in (0, 10 s].
    expect(lbRate(T0_MS + 11_000)).toBe(1)
    // 5 s after, the system is idle: 6 strokes in (4 s, 14 s].
    expect(lbRate(T0_MS + 15_000)).toBe(0.6)
  })

  it('does not call an idle system down: rates fall to 0, the map stays', () => {
    const graph = buildServiceGraph(tenStrokes(), { windowMs: 10_000, nowMs: T0_MS + 60_000 })

    expect(graph.nodes.map((node) => [node.name, node.health, node.requestRate])).toEqual([
      ['draw64-lb', 'ok', 0],
      ['draw64-replica-1', 'ok', 0],
      ['draw64-replica-2', 'ok', 0],
      ['sqlite', 'ok', 0],
    ])
    expect(graph.edges.map((edge) => edge.callRate)).toEqual([0, 0, 0, 0])
  })

  it('draws a single-process Draw64 as draw64 → sqlite', () => {
    const put = span('draw64', 'PUT /api/images/:id', 9000, { kind: SERVER })
    const apply = child(put, 'draw64', 'apply command', 8999)
    const select = child(apply, 'draw64', 'SELECT images', 8997, { kind: CLIENT, attributes: { 'db.system.name': 'sqlite' } })
    const update = child(apply, 'draw64', 'UPDATE images', 8998, { kind: CLIENT, attributes: { 'db.system.name': 'sqlite' } })
    const graph = buildServiceGraph([put, apply, select, update], WINDOW)

    expect(edgeRates(graph)).toEqual([['draw64→sqlite', 0.2, 0]])
    expect(graph.nodes.map((node) => [node.name, node.kind, node.requestRate])).toEqual([
      ['draw64', 'service', 0.1],
      ['sqlite', 'database', 0.2],
    ])
    expect(layoutServiceGraph(graph)).toEqual({ draw64: { x: 0, y: 0.5, layer: 0 }, sqlite: { x: 1, y: 0.5, layer: 1 } })
  })

  it('counts the browser span above the lb once, as a call from draw64-web, a client that serves nothing', () => {
    const [lbServer, ...rest] = haStroke(1, 5000)
    const fetch = span('draw64-web', 'PUT', 5001, { traceId: lbServer!.traceId, kind: CLIENT })
    const spans = [fetch, { ...lbServer!, parentSpanId: fetch.spanId }, ...rest]
    const graph = buildServiceGraph(spans, WINDOW)

    expect(edgeRates(graph)).toContainEqual(['draw64-web→draw64-lb', 0.1, 0])
    expect(byName(graph)['draw64-web']).toMatchObject({ kind: 'client', requestRate: 0.1, errorShare: 0, health: 'ok' })
    expect(byName(graph)['draw64-lb']).toMatchObject({ kind: 'service', requestRate: 0.1 })
  })

  it('keeps showing a replica whose spans left the buffer, from the previous graph, as down', () => {
    const previous = buildServiceGraph(tenStrokes(), WINDOW)
    const onlyReplica1 = [11_000, 12_000, 13_000, 14_000].flatMap((end) => haStroke(1, end))
    const graph = buildServiceGraph(onlyReplica1, { windowMs: 10_000, nowMs: T0_MS + 14_000, previous })

    expect(byName(graph)['draw64-replica-2']).toMatchObject({ health: 'down', lastSeenMs: T0_MS + 9998, requestRate: 0 })
    expect(edgeRates(graph)).toContainEqual(['draw64-lb→draw64-replica-2', 0, 0])
    expect(layoutServiceGraph(graph)['draw64-replica-2']).toEqual(layoutServiceGraph(previous)['draw64-replica-2'])
  })

  it('forgets a service silent for longer than forgetMs while the others kept working', () => {
    const previous = buildServiceGraph(tenStrokes(), WINDOW)
    const later = haStroke(1, 200_000)
    const graph = buildServiceGraph(later, { windowMs: 10_000, nowMs: T0_MS + 200_000, previous, forgetMs: 120_000 })

    expect(graph.nodes.map((node) => node.name)).toEqual(['draw64-lb', 'draw64-replica-1', 'sqlite'])
    expect(graph.edges.map((edge) => `${edge.from}→${edge.to}`)).toEqual(['draw64-lb→draw64-replica-1', 'draw64-replica-1→sqlite'])
  })

  it('counts rates over the part of the window the buffer still covers', () => {
    // The buffer dropped spans that ended up to 6 s: 4 strokes ended after, in 4 s (not 10).
    const graph = buildServiceGraph(tenStrokes().slice(25), { ...WINDOW, completeSinceMs: T0_MS + 6000 })

    expect(byName(graph)['draw64-lb']!.requestRate).toBe(1)
  })

  it('labels each service with the version of its spans; a database and an unversioned browser get none', () => {
    const [lbServer, ...rest] = haStroke(1, 5000)
    const fetch = span('draw64-web', 'PUT', 5001, { traceId: lbServer!.traceId, kind: CLIENT })
    const spans = versioned([fetch, { ...lbServer!, parentSpanId: fetch.spanId }, ...rest], { 'draw64-lb': '1.0.0', 'draw64-replica-1': '1', 'draw64-web': '' })
    const versions = buildServiceGraph(spans, WINDOW).nodes.map((node) => [node.name, node.versions])

    expect(versions).toEqual([['draw64-lb', ['1.0.0']], ['draw64-replica-1', ['1']], ['draw64-web', []], ['sqlite', []]])
  })

  it('shows both versions taking traffic during a rollout: the old replica in v1, the new one in v2', () => {
    const graph = buildServiceGraph(versioned(tenStrokes(), { 'draw64-lb': '1.0.0', 'draw64-replica-1': '1', 'draw64-replica-2': '2' }), WINDOW)
    const nodes = byName(graph)

    expect([nodes['draw64-replica-1']!.versions, nodes['draw64-replica-1']!.requestRate]).toEqual([['1'], 0.5])
    expect([nodes['draw64-replica-2']!.versions, nodes['draw64-replica-2']!.requestRate]).toEqual([['2'], 0.5])
  })

  it('shows the old version then the new on a service that changed version in the window, only the new once the old left it', () => {
    // 9 → 10: oldest first is not alphabetical order.
    const v9 = versioned([1000, 3000, 5000].flatMap((end) => haStroke(1, end)), { 'draw64-replica-1': '9' })
    const v10 = versioned([6000, 8000, 10_000, 12_000, 14_000, 16_000].flatMap((end) => haStroke(1, end)), { 'draw64-replica-1': '10' })
    const during = buildServiceGraph([...v9, ...v10.slice(0, 15)], WINDOW)
    const after = buildServiceGraph([...v9, ...v10], { windowMs: 10_000, nowMs: T0_MS + 16_000 })

    expect(byName(during)['draw64-replica-1']!.versions).toEqual(['9', '10'])
    expect(byName(after)['draw64-replica-1']!.versions).toEqual(['10'])
  })

  it('keeps the last version known of a service with no span in the window, idle or gone from the buffer', () => {
    const changed = [
      ...versioned(haStroke(2, 1000), { 'draw64-replica-2': '1' }),
      ...versioned(tenStrokes().slice(5), { 'draw64-replica-2': '2' }),
    ]
    const idle = buildServiceGraph(changed, { windowMs: 10_000, nowMs: T0_MS + 60_000 })
    const previous = buildServiceGraph(changed, WINDOW)
    const onlyReplica1 = [11_000, 12_000, 13_000, 14_000].flatMap((end) => haStroke(1, end))
    const gone = buildServiceGraph(onlyReplica1, { windowMs: 10_000, nowMs: T0_MS + 14_000, previous })

    expect(byName(idle)['draw64-replica-2']!.versions).toEqual(['2'])
    expect(byName(previous)['draw64-replica-2']!.versions).toEqual(['1', '2'])
    expect(byName(gone)['draw64-replica-2']!.versions).toEqual(['2'])
  })

  it('returns an empty graph without spans', () => {
    expect(buildServiceGraph([], WINDOW)).toEqual({ nodes: [], edges: [], lastSpanMs: undefined })
  })
})

describe('layoutServiceGraph', () => {
  it('lays the HA graph out left to right: lb, the replicas by name, sqlite', () => {
    expect(layoutServiceGraph(buildServiceGraph(tenStrokes(), WINDOW))).toEqual({
      'draw64-lb': { x: 0, y: 0.5, layer: 0 },
      'draw64-replica-1': { x: 0.5, y: 0.25, layer: 1 },
      'draw64-replica-2': { x: 0.5, y: 0.75, layer: 1 },
      sqlite: { x: 1, y: 0.5, layer: 2 },
    })
  })

  it('puts the browser first when it calls the lb', () => {
    const graph: ServiceGraph = {
      nodes: ['draw64-web', 'draw64-lb', 'draw64-replica-1', 'sqlite'].map((name) => ({
        name, kind: 'service', requestRate: 0, errorShare: 0, lastSeenMs: 0, health: 'ok', versions: [],
      })),
      edges: [['draw64-web', 'draw64-lb'], ['draw64-lb', 'draw64-replica-1'], ['draw64-replica-1', 'sqlite'], ['draw64-lb', 'sqlite']]
        .map(([from, to]) => ({ from: from!, to: to!, callRate: 0, errorShare: 0, lastCallMs: 0 })),
      lastSpanMs: 0,
    }
    const layout = layoutServiceGraph(graph)

    expect([layout['draw64-web']!.x, layout['draw64-lb']!.x, layout['draw64-replica-1']!.x, layout['sqlite']!.x]).toEqual([0, 1 / 3, 2 / 3, 1])
  })

  it('survives a call cycle', () => {
    const node = (name: string) => ({ name, kind: 'service' as const, requestRate: 0, errorShare: 0, lastSeenMs: 0, health: 'ok' as const, versions: [] })
    const edge = (from: string, to: string) => ({ from, to, callRate: 0, errorShare: 0, lastCallMs: 0 })
    const layout = layoutServiceGraph({ nodes: [node('a'), node('b')], edges: [edge('a', 'b'), edge('b', 'a')], lastSpanMs: 0 })

    expect(Object.keys(layout).sort()).toEqual(['a', 'b'])
    expect(Object.values(layout).every((p) => p.x >= 0 && p.x <= 1 && p.y > 0 && p.y < 1)).toBe(true)
  })
})

describe('versionLabel', () => {
  it('writes « v2 », « v1→v2 » oldest first, nothing without a version, and keeps a version’s own v', () => {
    expect([versionLabel(['2']), versionLabel(['1', '2']), versionLabel([]), versionLabel(['v3-rc.1'])]).toEqual(['v2', 'v1→v2', '', 'v3-rc.1'])
  })
})
