import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasValidTimes, type TelemetrySpan } from '../../lib/span-tree.ts'
import { advanceWindow, freshWindow, type SpanWindow } from '../../lib/span-window.ts'
import { TraceIndex } from '../../lib/trace-index.ts'
import { groupTraces } from '../support/group-traces.ts'
import { testSpan } from '../support/spans.ts'

// Times below are ms after T0 (2024-11-21T06:20:00Z).
const T0_MS = 1_732_170_000_000
const span = testSpan

/** A draw as the server traces it; its server span's parent is the browser's fetch span `fetch-<traceId>`. */
function serverSpans(traceId: string, startMs: number): TelemetrySpan[] {
  const server = span(traceId, `server-${traceId}`, 'PUT /api/images/:id', startMs, startMs + 4, { kind: 1, parentSpanId: `fetch-${traceId}` })
  const apply = span(traceId, `apply-${traceId}`, 'apply command', startMs + 1, startMs + 3, { parentSpanId: server.spanId })
  return [server, apply]
}

/** The browser's fetch span of that draw: exported a second or two later, it is the trace's root. */
function browserSpan(traceId: string, startMs: number): TelemetrySpan {
  return span(traceId, `fetch-${traceId}`, 'PUT', startMs - 1, startMs + 6, { kind: 2, serviceName: 'draw64-web' })
}

/** The window the slides' feed keeps, poll after poll. */
function polls(capacity: number, ...batches: TelemetrySpan[][]): SpanWindow[] {
  const windows: SpanWindow[] = []
  let window = freshWindow([], capacity)
  for (const batch of batches) windows.push((window = advanceWindow(window, batch, capacity)))
  return windows
}

const windowOf = (spans: TelemetrySpan[]) => freshWindow(spans, 1000)

describe('TraceIndex', () => {
  it('summarizes a window of spans as groupTraces does', () => {
    const spans = [...serverSpans('a', 0), ...serverSpans('b', 10), browserSpan('a', 0)]
    expect(new TraceIndex().sync(windowOf(spans)).traces()).toEqual(groupTraces(spans))
  })

  it('makes the browser span that arrives polls after the server spans the root of their trace', () => {
    const [first, second] = polls(100, serverSpans('a', 0), [browserSpan('a', 0)])
    const index = new TraceIndex()

    expect(index.sync(first!).traces()).toMatchObject([
      { traceId: 'a', rootName: 'PUT /api/images/:id', serviceNames: ['draw64'], startMs: T0_MS, durationMs: 4, spanCount: 2 },
    ])
    const [trace] = index.sync(second!).traces()
    expect(trace).toMatchObject({ traceId: 'a', rootName: 'PUT', serviceNames: ['draw64-web', 'draw64'], startMs: T0_MS - 1, durationMs: 7, spanCount: 3 })
    expect(trace!.spans.map((s) => s.spanId)).toEqual(['fetch-a', 'server-a', 'apply-a'])
  })

  it('summarizes again only the traces that got spans: the others keep their summary', () => {
    const [first, second] = polls(100, [...serverSpans('a', 0), ...serverSpans('b', 10)], [browserSpan('b', 10), ...serverSpans('c', 20)])
    const index = new TraceIndex()
    const before = index.sync(first!).traces()
    const after = index.sync(second!).traces()

    expect(after.map((trace) => trace.traceId)).toEqual(['c', 'b', 'a'])
    expect(after[2]).toBe(before.find((trace) => trace.traceId === 'a'))
    expect(after[1]).not.toBe(before.find((trace) => trace.traceId === 'b'))
    expect(index.sync(second!).traces()).toBe(after)
  })

  it('forgets the spans that leave the window, and a trace once none of its spans is left', () => {
    // Capacity 3: the third poll pushes out trace a's two spans, then b's server span.
    const windows = polls(3, serverSpans('a', 0), [browserSpan('b', 10)], serverSpans('b', 10))
    const index = new TraceIndex()
    index.sync(windows[0]!)
    index.sync(windows[1]!)

    const traces = index.sync(windows[2]!).traces()
    expect(traces.map((trace) => [trace.traceId, trace.spanCount])).toEqual([['b', 3]])
    expect(traces).toEqual(groupTraces([...windows[2]!.spans]))
  })

  it('starts over when the window is replaced rather than moved on (a recording left for live data)', () => {
    const index = new TraceIndex()
    index.sync(windowOf([...serverSpans('recorded', 0), browserSpan('recorded', 0)]))
    const live = serverSpans('live', 50)

    expect(index.sync(windowOf(live)).traces().map((trace) => trace.traceId)).toEqual(['live'])
    expect(index.sync(windowOf([])).traces()).toEqual([])
  })

  it('starts over from the whole window when it missed polls (its slide was off screen)', () => {
    const windows = polls(3, serverSpans('a', 0), [browserSpan('b', 10)], serverSpans('b', 10))
    const index = new TraceIndex()
    index.sync(windows[0]!)

    expect(index.sync(windows[2]!).traces()).toEqual(groupTraces([...windows[2]!.spans]))
  })

  it('leaves out the spans whose time is malformed', () => {
    const broken = span('a', 'broken', 'broken', 0, 1, { startTimeUnixNano: 'soon' })
    expect(new TraceIndex().sync(windowOf([broken, ...serverSpans('a', 5)])).traces()).toMatchObject([{ traceId: 'a', spanCount: 2, startMs: T0_MS + 5 }])
  })

  it('leaves out browser spans stamped outside the sane window around the server’s clock', () => {
    const year9999 = span('b', 'future', 'stroke', 0, 1, { serviceName: 'draw64-web', startTimeUnixNano: '253402300799000000000', endTimeUnixNano: '253402300799000000001' })
    const graftedIn1970 = span('a', 'old', 'stroke', 0, 1, { serviceName: 'draw64-web', startTimeUnixNano: '1000', endTimeUnixNano: '2000' })
    const traces = new TraceIndex().sync(windowOf([...serverSpans('a', 5), graftedIn1970, year9999, browserSpan('a', 5)])).traces()
    expect(traces).toMatchObject([{ traceId: 'a', spanCount: 3, startMs: T0_MS + 4 }])
    expect(traces[0]!.durationMs).toBeLessThan(20)
  })

  it('agrees with groupTraces after any sequence of polls, whatever the arrival order of a trace spans', () => {
    // A poll: spans of a few traces, any span of them possibly a parent arriving after its child.
    const spanArb = fc.record({
      trace: fc.integer({ min: 0, max: 5 }),
      id: fc.integer({ min: 0, max: 40 }),
      parent: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      startMs: fc.integer({ min: 0, max: 50 }),
      lengthMs: fc.integer({ min: 0, max: 20 }),
      error: fc.boolean(),
      web: fc.boolean(),
    }).map(({ trace, id, parent, startMs, lengthMs, error, web }) =>
      span(`t${trace}`, `s${trace}-${id}`, `span ${id}`, startMs, startMs + lengthMs, {
        parentSpanId: parent === undefined ? '' : `s${trace}-${parent}`,
        status: { code: error ? 2 : 0 },
        serviceName: web ? 'draw64-web' : 'draw64',
      }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.array(spanArb, { maxLength: 12 }), { maxLength: 8 }), (capacity, batches) => {
        const index = new TraceIndex()
        for (const window of polls(capacity, ...batches)) {
          expect(index.sync(window).traces()).toEqual(groupTraces(window.spans.filter(hasValidTimes)))
        }
      }),
    )
  })
})
