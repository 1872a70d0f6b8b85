import { describe, it, expect } from 'vitest'
import {
  elapsedMs,
  hasValidTimes,
  layoutWaterfall,
  nanosToMs,
  type TelemetrySpan,
} from '../../lib/span-tree.ts'
import { groupTraces } from '../support/group-traces.ts'
import { testSpan } from '../support/spans.ts'

// Times below are ms after T0 (2024-11-21T06:20:00Z), far above 2^53 in nanoseconds.
const T0_MS = 1_732_170_000_000

const span = (spanId: string, name: string, startMs: number, endMs: number, fields: Partial<TelemetrySpan> = {}) =>
  testSpan('trace-a', spanId, name, startMs, endMs, fields)

// A PUT that validates, then applies the command (which fails) with one SQLite statement inside.
const put = span('root', 'PUT /api/images/:id', 0, 12, { kind: 1, attributes: { 'http.route': '/api/images/:id' } })
const validate = span('validate', 'validate command', 1, 2, { parentSpanId: 'root' })
const apply = span('apply', 'apply command', 2, 10, { parentSpanId: 'root', status: { code: 2, message: 'disk full' } })
const update = span('update', 'UPDATE images', 3, 9, { parentSpanId: 'apply', kind: 2 })
const traceA = [put, validate, apply, update]
const list = span('list', 'GET /api/images', 100, 103, { traceId: 'trace-b', kind: 1, parentSpanId: undefined })

describe('nanosecond helpers', () => {
  it('converts nanoseconds since the epoch to milliseconds, keeping the microseconds', () => {
    // 1732170000123456789 ns → floor to µs 1732170000123456 → 1732170000123.456 ms
    expect(nanosToMs('1732170000123456789')).toBe(1732170000123.456)
  })

  it('subtracts exactly where float arithmetic would lose the nanoseconds', () => {
    // 1500 ns = 0.0015 ms; as doubles both timestamps are only precise to 256 ns
    expect(elapsedMs('1732170000000000000', '1732170000000001500')).toBe(0.0015)
    expect((Number('1732170000000001500') - Number('1732170000000000000')) / 1e6).not.toBe(0.0015)
  })

  it('reads a malformed timestamp as 0 instead of throwing', () => {
    expect(nanosToMs('soon')).toBe(0)
    expect(elapsedMs('', '2000000')).toBe(2)
  })
})

describe('groupTraces', () => {
  it('summarizes each trace, newest first', () => {
    const [b, a] = groupTraces([...traceA, list])
    expect(b).toEqual({
      traceId: 'trace-b',
      rootName: 'GET /api/images',
      serviceNames: ['draw64'],
      startMs: T0_MS + 100,
      durationMs: 3,
      spanCount: 1,
      hasError: false,
      parentMissing: false,
      spans: [list],
    })
    expect(a).toMatchObject({
      traceId: 'trace-a',
      rootName: 'PUT /api/images/:id',
      startMs: T0_MS,
      durationMs: 12,
      spanCount: 4,
      hasError: true,
    })
  })

  it('finds the root and orders the spans by start whatever the arrival order', () => {
    const [summary] = groupTraces([update, apply, validate, put])
    expect(summary!.rootName).toBe('PUT /api/images/:id')
    expect(summary!.spans.map((s) => s.spanId)).toEqual(['root', 'validate', 'apply', 'update'])
  })

  it('takes the earliest span whose parent is missing as root when the parent is remote', () => {
    const server = span('server', 'PUT /api/images/:id', 0, 5, {
      traceId: 'remote',
      parentSpanId: 'client-span-in-browser',
    })
    const child = span('child', 'apply command', 1, 2, { traceId: 'remote', parentSpanId: 'server' })
    const [summary] = groupTraces([child, server])
    expect(summary).toMatchObject({ traceId: 'remote', rootName: 'PUT /api/images/:id', spanCount: 2, parentMissing: true })
  })

  it('lists a trace whose root has not arrived yet under its earliest orphan', () => {
    const later = span('later', 'broadcast', 5, 6, { parentSpanId: 'root' })
    const [summary] = groupTraces([later, apply])
    expect(summary).toMatchObject({ traceId: 'trace-a', rootName: 'apply command', startMs: T0_MS + 2, durationMs: 8 })
  })

  it('prefers a true root over an earlier orphan', () => {
    const earlyOrphan = span('orphan', 'early orphan', 0, 1, { parentSpanId: 'gone' })
    const root = span('root', 'the root', 1, 3)
    expect(groupTraces([earlyOrphan, root])[0]).toMatchObject({ rootName: 'the root', parentMissing: false })
  })

  it('measures the trace from its first start to its last end, even past the root', () => {
    const root = span('root', 'PUT', 0, 5)
    const broadcast = span('sse', 'broadcast', 1, 8, { parentSpanId: 'root' })
    expect(groupTraces([root, broadcast])[0]!.durationMs).toBe(8)
  })

  it('lists each service once, in order of first appearance', () => {
    const client = span('c', 'autocannon PUT', 0, 9, { serviceName: 'draw64-load' })
    const server = span('s', 'PUT', 1, 8, { parentSpanId: 'c' })
    const db = span('d', 'UPDATE', 2, 3, { parentSpanId: 's' })
    expect(groupTraces([db, server, client])[0]!.serviceNames).toEqual(['draw64-load', 'draw64'])
  })

  it('returns nothing for no spans', () => {
    expect(groupTraces([])).toEqual([])
  })
})

describe('layoutWaterfall', () => {
  it('orders rows depth-first with children by start time', () => {
    const rows = layoutWaterfall([update, apply, put, validate])
    expect(rows.map((row) => [row.span.spanId, row.depth])).toEqual([
      ['root', 0],
      ['validate', 1],
      ['apply', 1],
      ['update', 2],
    ])
  })

  it('places each bar on the axis from the first start to the last end', () => {
    // axis 0–12 ms: validate 1–2 → 1/12 = 8.33 % wide at 8.33 %,
    // apply 2–10 → 66.67 % wide at 16.67 %, update 3–9 → 50 % wide at 25 %
    const rows = layoutWaterfall(traceA)
    const bars = rows.map((row) => [row.offsetPct, row.widthPct, row.durationMs])
    const expected = [
      [0, 100, 12],
      [100 / 12, 100 / 12, 1],
      [200 / 12, 800 / 12, 8],
      [25, 50, 6],
    ]
    bars.forEach((bar, i) => bar.forEach((value, j) => expect(value).toBeCloseTo(expected[i]![j]!, 9)))
  })

  it('flags the spans whose status is error', () => {
    expect(layoutWaterfall(traceA).map((row) => row.isError)).toEqual([false, false, true, false])
  })

  it('gives a zero-duration span a visible minimum width', () => {
    const mark = span('mark', 'cache hit', 6, 6, { parentSpanId: 'root' })
    const row = layoutWaterfall([put, mark]).find((r) => r.span.spanId === 'mark')!
    expect(row).toMatchObject({ offsetPct: 50, widthPct: 0.5, durationMs: 0 })
  })

  it('keeps a minimum-width bar at the end of the axis inside the box', () => {
    const last = span('last', 'flush', 12, 12, { parentSpanId: 'root' })
    const row = layoutWaterfall([put, last]).find((r) => r.span.spanId === 'last')!
    expect(row.offsetPct + row.widthPct).toBeCloseTo(100, 9)
    expect(row.widthPct).toBe(0.5)
  })

  it('lays out a trace made of one instantaneous span without NaN', () => {
    const [row] = layoutWaterfall([span('only', 'tick', 4, 4)])
    expect(row).toMatchObject({ depth: 0, offsetPct: 0, widthPct: 0.5, durationMs: 0 })
  })

  it('shows orphans at depth 0 among the roots, in start order, with their own children', () => {
    const root = span('root', 'PUT', 0, 10)
    const late = span('late', 'late orphan', 2, 3, { parentSpanId: 'missing-1' })
    const lateChild = span('late-child', 'under late orphan', 2.5, 3, { parentSpanId: 'late' })
    const early = span('early', 'early orphan', 1, 2, { parentSpanId: 'missing-2' })
    const rows = layoutWaterfall([lateChild, late, early, root])
    expect(rows.map((row) => [row.span.spanId, row.depth])).toEqual([
      ['root', 0],
      ['early', 0],
      ['late', 0],
      ['late-child', 1],
    ])
  })

  it('shows every span once even when parents form a cycle', () => {
    const a = span('a', 'A', 0, 2, { parentSpanId: 'b' })
    const b = span('b', 'B', 1, 2, { parentSpanId: 'a' })
    const rows = layoutWaterfall([b, a])
    expect(rows.map((row) => [row.span.spanId, row.depth])).toEqual([
      ['a', 0],
      ['b', 1],
    ])
  })

  it('returns no row for no spans', () => {
    expect(layoutWaterfall([])).toEqual([])
  })
})

describe('hasValidTimes', () => {
  it('rejects the spans whose start or end is not a decimal nanosecond count', () => {
    const base = { traceId: 't', parentSpanId: '', name: 's', kind: 0, serviceName: 'draw64', serviceVersion: '', attributes: {}, status: { code: 0 }, events: [] }
    const good = { ...base, spanId: 'good', startTimeUnixNano: '1000', endTimeUnixNano: '2000' }
    const badStart = { ...base, spanId: 'bad-start', startTimeUnixNano: 'garbage', endTimeUnixNano: '2000' }
    const badEnd = { ...base, spanId: 'bad-end', startTimeUnixNano: '1000', endTimeUnixNano: '' }
    expect([good, badStart, badEnd].filter(hasValidTimes).map((span) => span.spanId)).toEqual(['good'])
  })
})
