import { describe, expect, it } from 'vitest'
import { HEAD_CHOICES, isChosen, perSecond, samplingRates, type StampedSampling } from '../../lib/sampling-view.ts'

function poll(timeMs: number, spansSeen: number, spansKept: number): StampedSampling {
  return {
    timeMs,
    sampling: {
      sdkEnabled: true,
      head: { mode: 'parentbased_always_on', ratio: 1 },
      tail: { enabled: true, latencyMs: 1000, ratio: 0.1 },
      counts: { seen: 0, kept: 0, dropped: 0, errorTracesSeen: 0, errorTracesKept: 0, spansSeen, spansKept, pending: 0 },
    },
  }
}

describe('samplingRates', () => {
  it('turns the span counters of two polls into spans per second, recorded and kept', () => {
    expect(samplingRates([poll(0, 100, 100), poll(2000, 900, 300)])).toEqual({ spansRecorded: 400, spansKept: 100 })
  })

  it('is not known with a single poll', () => {
    expect(samplingRates([poll(0, 1, 1)]).spansRecorded).toBeNaN()
    expect(perSecond(Number.NaN)).toBe('–')
    expect(perSecond(1234.4)).toBe('1\u202f234')
  })
})

describe('HEAD_CHOICES', () => {
  it('marks the choice the demo runs, a ratio only at its own value', () => {
    const chosen = (mode: string, ratio: number) => HEAD_CHOICES.filter((choice) => isChosen(choice.head, { mode: mode as never, ratio })).map((choice) => choice.label)
    expect(chosen('parentbased_traceidratio', 0.25)).toEqual(['25\u202f%'])
    expect(chosen('parentbased_traceidratio', 0.3)).toEqual([])
    expect(chosen('always_off', 0.25)).toEqual(['rien'])
  })
})
