import { describe, expect, it, vi } from 'vitest'
import { addLogs, addSpans, logsAfter, spansAfter, spansEndedAfter } from '../../demo/telemetry/buffers.ts'
import type { TelemetryLogJson, TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'

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

    addSpans([span(1), span(2)]) // polled at once: serialized by the poll
    const page = JSON.parse(spansAfter(first.cursor, 1000))
    expect(page.spans).toEqual([span(1), span(2)])

    addSpans([span(3)]) // a slide is watching: serialized in the background, before the poll
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
      addSpans([span(4)])
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
})
