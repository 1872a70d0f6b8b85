import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { criticalPath, summarizeCriticalPath } from '../../lib/critical-path.ts'
import { nanosToMs, summarizeTrace, type TelemetrySpan } from '../../lib/span-tree.ts'
import { testSpan } from '../support/spans.ts'

const span = (spanId: string, name: string, startMs: number, endMs: number, fields: Partial<TelemetrySpan> = {}) =>
  testSpan('trace-a', spanId, name, startMs, endMs, fields)

const durationOf = (segments: ReturnType<typeof criticalPath>) => segments.reduce((sum, s) => sum + s.endMs - s.startMs, 0)

// A stroke's PUT: validate, then apply with a SELECT and a slow UPDATE inside.
const put = span('put', 'PUT /api/images/:id', 0, 100, { kind: 1 })
const validate = span('validate', 'validate command', 1, 3, { parentSpanId: 'put' })
const apply = span('apply', 'apply command', 4, 98, { parentSpanId: 'put' })
const select = span('select', 'SELECT images', 5, 10, { parentSpanId: 'apply', kind: 3, attributes: { 'db.system.name': 'sqlite' } })
const update = span('update', 'UPDATE images', 10, 92, { parentSpanId: 'apply', kind: 3, attributes: { 'db.system.name': 'sqlite' } })

describe('critical path', () => {
  it('walks back from the end through the last-finishing child, the gaps going to the parent', () => {
    const path = criticalPath([update, put, apply, validate, select])
    expect(path.map((s) => `${s.span.spanId} ${Math.round(s.endMs - s.startMs)}`)).toEqual([
      'put 1', 'validate 2', 'put 1', 'apply 1', 'select 5', 'update 82', 'apply 6', 'put 2',
    ])
  })

  it('names the largest contributor in one French sentence, SQLite statements with their engine', () => {
    const { sentence, largest } = summarizeCriticalPath([put, validate, apply, select, update])
    expect(sentence).toBe('82\u00a0% du temps\u00a0: UPDATE images (SQLite)')
    expect(largest?.share).toBeCloseTo(0.82, 5)
  })

  it('calls the time a browser request spends outside the server span the network', () => {
    const stroke = span('stroke', 'stroke', 0, 100, { serviceName: 'draw64-web' })
    const fetchPut = span('fetch', 'PUT', 2, 98, { parentSpanId: 'stroke', kind: 3, serviceName: 'draw64-web' })
    const server = span('server', 'PUT /api/images/:id', 40, 60, { parentSpanId: 'fetch', kind: 1 })
    expect(summarizeCriticalPath([stroke, fetchPut, server]).sentence).toBe('76\u00a0% du temps\u00a0: le réseau entre le navigateur et Draw64')
  })

  it('clamps a child that a skewed clock puts outside its parent', () => {
    const root = span('root', 'PUT', 10, 20, { serviceName: 'draw64-web', kind: 3 })
    const early = span('server', 'PUT /api/images/:id', 5, 25, { parentSpanId: 'root', kind: 1 })
    const path = criticalPath([root, early])
    expect(path).toHaveLength(1)
    expect(path[0]!.span.spanId).toBe('server')
    expect(durationOf(path)).toBeCloseTo(10, 6)
  })

  it('is empty for no spans, and a lone span owns its whole duration', () => {
    expect(criticalPath([])).toEqual([])
    expect(summarizeCriticalPath([span('a', 'GET /healthz', 0, 4)]).sentence).toBe('100\u00a0% du temps\u00a0: GET /healthz')
  })

  // Random trees: parents drawn among the earlier spans (or none, or one not received), times
  // that may stick out of the parent, as a browser's clock may; some span ids repeated.
  const traces = fc
    .array(
      fc.record({
        parent: fc.option(fc.nat(), { nil: undefined }),
        missingParent: fc.boolean(),
        start: fc.integer({ min: 0, max: 1000 }),
        length: fc.integer({ min: 0, max: 400 }),
        browser: fc.boolean(),
        fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 30 },
    )
    .map((drafts) =>
      drafts.map((draft, index) => {
        const parentSpanId = draft.parent === undefined || index === 0 ? (draft.missingParent ? 'elsewhere' : '') : `s${draft.parent % index}`
        const start = draft.start + draft.fraction
        return span(`s${index}`, `span ${index}`, start, start + draft.length, {
          parentSpanId,
          kind: draft.browser ? 3 : 1,
          serviceName: draft.browser ? 'draw64-web' : 'draw64',
        })
      }),
    )

  it('never overlaps, stays in the root, and adds up to the root duration (property)', () => {
    fc.assert(
      fc.property(traces, (spans) => {
        // The root LiveTraces shows: a true root, else the earliest span whose parent is missing.
        const orphans = spans.filter((s) => !spans.some((p) => p.spanId === s.parentSpanId))
        const byStart = (a: TelemetrySpan, b: TelemetrySpan) => nanosToMs(a.startTimeUnixNano) - nanosToMs(b.startTimeUnixNano)
        const root = [...orphans.filter((s) => !s.parentSpanId)].sort(byStart)[0] ?? [...orphans].sort(byStart)[0]!
        expect(root.name).toBe(summarizeTrace('trace-a', spans).rootName)
        const rootStart = nanosToMs(root.startTimeUnixNano)
        const rootEnd = nanosToMs(root.endTimeUnixNano)
        const path = criticalPath(spans)
        const EPSILON = 1e-3
        for (const [i, segment] of path.entries()) {
          expect(segment.endMs).toBeGreaterThan(segment.startMs)
          expect(segment.startMs).toBeGreaterThanOrEqual(rootStart - EPSILON)
          expect(segment.endMs).toBeLessThanOrEqual(rootEnd + EPSILON)
          if (i > 0) expect(segment.startMs).toBeGreaterThanOrEqual(path[i - 1]!.endMs - EPSILON)
        }
        expect(Math.abs(durationOf(path) - (rootEnd - rootStart))).toBeLessThan(EPSILON)
        const { sentence, largest } = summarizeCriticalPath(spans)
        if (rootEnd > rootStart) expect(sentence).toMatch(/^\d+\u00a0% du temps\u00a0: /)
        expect(largest === undefined || (largest.share >= 0 && largest.share <= 1 + EPSILON)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
