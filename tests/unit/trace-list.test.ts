import { describe, it, expect } from 'vitest'
import type { TelemetrySpan, TraceSummary } from '../../lib/span-tree.ts'
import { clearCutoff, DEFAULT_TRACE_LIMIT, listTraces } from '../../lib/trace-list.ts'

function span(traceId: string, name: string): TelemetrySpan {
  return {
    traceId, spanId: `${traceId}-${name}`, name, kind: 1, serviceName: 'draw64', serviceVersion: '', attributes: {}, status: { code: 0 }, events: [],
    startTimeUnixNano: '1000000000', endTimeUnixNano: '2000000000',
  }
}

function trace(traceId: string, rootName: string, startMs: number, childNames: string[] = []): TraceSummary {
  const spans = [rootName, ...childNames].map((name) => span(traceId, name))
  return { traceId, rootName, serviceNames: ['draw64'], startMs, durationMs: 1, spanCount: spans.length, hasError: false, parentMissing: false, spans }
}

// Newest first, as groupTraces returns them: t9 started last.
const traces = Array.from({ length: 10 }, (_, i) =>
  trace(`t${i}`, i % 2 === 0 ? 'PUT /api/images/:id' : 'GET /api/images', 1000 + i),
).reverse()
const ids = (list: TraceSummary[]) => list.map((item) => item.traceId)

describe('listTraces', () => {
  it('lists the newest traces first, 8 by default, and selects the newest', () => {
    const list = listTraces(traces)
    expect(list.rows).toHaveLength(DEFAULT_TRACE_LIMIT)
    expect(ids(list.rows).slice(0, 3)).toEqual(['t9', 't8', 't7'])
    expect(list.selected?.traceId).toBe('t9')
    expect(list.pinnedMissing).toBe(false)
  })

  it('keeps only traces with a span whose name contains the filter, ignoring case', () => {
    const list = listTraces(traces, { filter: 'put', limit: 3 })
    expect(ids(list.rows)).toEqual(['t8', 't6', 't4'])
    expect(list.selected?.traceId).toBe('t8')
  })

  it('keeps a stroke traced from the browser: the filter finds the PUT below its root', () => {
    const stroke = trace('browser', 'stroke', 2000, ['PUT', 'PUT /api/images/:id'])
    const list = listTraces([stroke, ...traces], { filter: 'PUT /api/images', limit: 2 })
    expect(ids(list.rows)).toEqual(['browser', 't8'])
  })

  it('hides the traces started at or before the cut-off', () => {
    const list = listTraces(traces, { clearedThroughMs: 1007 })
    expect(ids(list.rows)).toEqual(['t9', 't8'])
  })

  it('selects the pinned trace and adds it in place of the last row when it is older', () => {
    const list = listTraces(traces, { limit: 3, pinnedTraceId: 't1' })
    expect(ids(list.rows)).toEqual(['t9', 't8', 't1'])
    expect(list.selected?.traceId).toBe('t1')
  })

  it('shows a pinned trace even when the filter or the cut-off would hide it', () => {
    expect(listTraces(traces, { filter: 'PUT', limit: 2, pinnedTraceId: 't9' }).rows.map((t) => t.traceId)).toEqual(['t9', 't8'])
    expect(listTraces(traces, { clearedThroughMs: 1009, pinnedTraceId: 't3' }).selected?.traceId).toBe('t3')
  })

  it('reports a pinned trace whose spans are not here, without falling back to another', () => {
    const list = listTraces(traces, { pinnedTraceId: 'not-yet' })
    expect(list.selected).toBeUndefined()
    expect(list.pinnedMissing).toBe(true)
    expect(list.rows).toHaveLength(DEFAULT_TRACE_LIMIT)
  })

  it('treats a zero, negative or invalid limit as one row or the default', () => {
    expect(listTraces(traces, { limit: 0 }).rows).toHaveLength(1)
    expect(listTraces(traces, { limit: Number.NaN }).rows).toHaveLength(DEFAULT_TRACE_LIMIT)
  })

  it('gives no rows and no selection when there are no traces', () => {
    expect(listTraces([])).toEqual({ rows: [], selected: undefined, pinnedMissing: false })
  })
})

describe('clearCutoff', () => {
  it('is the start of the newest trace, or the previous cut-off when nothing is newer', () => {
    expect(clearCutoff(traces)).toBe(1009)
    expect(clearCutoff([], 1005)).toBe(1005)
    expect(clearCutoff([], undefined)).toBeUndefined()
  })

  it('ignores a trace that claims to start in the future: it would hide every real trace to come', () => {
    const nowMs = 1_000_000
    const future = { ...traces[0]!, traceId: 'future', startMs: nowMs + 3_600_000 }
    expect(clearCutoff([future, ...traces], undefined, nowMs)).toBe(1009)
  })
})
