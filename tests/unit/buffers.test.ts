import { describe, expect, it, vi } from 'vitest'
import { addLogs, logsAfter, pushServerSpan, spansAfter, spansEndedAfter } from '../../demo/telemetry/buffers.ts'
import type { TelemetryLogJson, TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'
import { SERVER_OWNER, SHOWN_PER_ATTENDEE, noteTraceOwner } from '../../demo/telemetry/trace-owners.ts'

function span(n: number): TelemetrySpanJson {
  return {
    traceId: 'a'.repeat(32),
    spanId: n.toString(16).padStart(16, '0'),
    parentSpanId: '',
    name: `span "${n}" \\ ü`,
    kind: 1,
    serviceName: 'draw64-replica-1',
    serviceVersion: '1',
    startTimeUnixNano: `17321700000${n}000000`,
    endTimeUnixNano: `17321700000${n}500000`,
    attributes: { 'http.route': '/api/images/:id', 'http.response.status_code': 200 },
    status: { code: 0, message: '' },
    events: [],
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('span and log buffers', () => {
  it('serves the spans after a cursor as JSON, oldest first, whether serialized on demand or in the background', async () => {
    const first = JSON.parse(spansAfter(null, 1000))
    expect(first.spans).toEqual([])

    for (const each of [span(1), span(2)]) pushServerSpan(each) // polled at once: serialized by the poll
    const page = JSON.parse(spansAfter(first.cursor, 1000))
    expect(page.spans).toEqual([span(1), span(2)])

    pushServerSpan(span(3)) // a slide is watching: serialized in the background, before the poll
    await tick()
    const next = JSON.parse(spansAfter(page.cursor, 1000))
    expect(next.spans).toEqual([span(3)])
    expect(JSON.parse(spansAfter(next.cursor, 1000))).toEqual({ cursor: next.cursor, spans: [] })
    expect(JSON.parse(spansAfter(null, 2)).spans).toEqual([span(2), span(3)])
  })

  it('serves the log records after a cursor as JSON', () => {
    const log: TelemetryLogJson = { timeUnixNano: '1732170000000000000', severityText: 'info', body: 'draw applied to "talk"', traceId: '', spanId: '', attributes: {} }
    const { cursor } = JSON.parse(logsAfter(null, 1000))
    addLogs([log])
    expect(JSON.parse(logsAfter(cursor, 1000)).logs).toEqual([log])
  })

  it('holds a poll until a newer span arrives, then answers within a few milliseconds, not at the cap', async () => {
    vi.useFakeTimers()
    try {
      const { cursor } = JSON.parse(spansAfter(null, 1000))
      let answered = false
      const held = spansEndedAfter(cursor, 2000).then(() => (answered = true))
      await vi.advanceTimersByTimeAsync(500)
      expect(answered).toBe(false)
      pushServerSpan(span(4))
      await vi.advanceTimersByTimeAsync(20)
      await held
      expect(answered).toBe(true)
      expect(JSON.parse(spansAfter(cursor, 1000)).spans).toEqual([span(4)])
      // Something newer than the cursor is already there: no wait at all.
      let atOnce = false
      await spansEndedAfter(cursor, 2000).then(() => (atOnce = true))
      expect(atOnce).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('answers at once a first poll, or one whose cursor is from an earlier run of the server', async () => {
    vi.useFakeTimers()
    try {
      for (const cursor of [null, '', 'deadbeef.12']) {
        let answered = false
        const poll = spansEndedAfter(cursor, 2000).then(() => (answered = true))
        await vi.advanceTimersByTimeAsync(0)
        expect(answered).toBe(true)
        await poll
      }
    } finally {
      vi.useRealTimers()
    }
  })

  it('answers a held poll at its cap when nothing arrives', async () => {
    vi.useFakeTimers()
    try {
      const { cursor } = JSON.parse(spansAfter(null, 1000))
      let answered = false
      const held = spansEndedAfter(cursor, 2000).then(() => (answered = true))
      await vi.advanceTimersByTimeAsync(1990)
      expect(answered).toBe(false)
      await vi.advanceTimersByTimeAsync(20)
      await held
      expect(answered).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it("keeps the speaker's spans apart: the attendees' requests evict only their own share, and past its quota an attendee's trace is not shown", () => {
    const traceOf = (n: number) => n.toString(16).padStart(32, '0')
    const speakers = traceOf(1)
    noteTraceOwner(speakers, SERVER_OWNER, { kind: 'speaker', id: 'speaker' })
    pushServerSpan({ ...span(5), traceId: speakers })
    // 100 attendees, each within the traces the slides show them: 3 000 spans, more than their share.
    for (let n = 0; n < 3000; n++) {
      const traceId = traceOf(1000 + n)
      const attendee = `a-${n % 100}`
      noteTraceOwner(traceId, attendee, { kind: 'attendee', id: attendee })
      pushServerSpan({ ...span(6), traceId })
    }
    // One attendee past its quota.
    const looping = Array.from({ length: SHOWN_PER_ATTENDEE.burst + 10 }, (_, n) => traceOf(9000 + n))
    for (const traceId of looping) {
      noteTraceOwner(traceId, 'a-loop', { kind: 'attendee', id: 'a-loop' })
      pushServerSpan({ ...span(7), traceId })
    }
    const shown = new Set(JSON.parse(spansAfter(null, 5000)).spans.map((each: TelemetrySpanJson) => each.traceId))
    expect(shown.has(speakers)).toBe(true)
    expect(shown.has(traceOf(1000))).toBe(false)
    expect(shown.has(traceOf(3999))).toBe(true)
    expect(shown.has(looping[0])).toBe(true)
    expect(shown.has(looping.at(-1))).toBe(false)
  })
})
