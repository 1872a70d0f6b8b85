import { describe, expect, it } from 'vitest'
import { advanceWindow, follows, freshWindow } from '../../lib/span-window.ts'
import { testSpan } from '../support/spans.ts'

// Times below are ms after T0 (2024-11-21T06:20:00Z).
const T0_MS = 1_732_170_000_000
const span = (id: string, endMs: number) => testSpan('trace', id, id, endMs - 1, endMs)
const [a, b, c, d, e] = [span('a', 1000), span('b', 3000), span('c', 2000), span('d', 4000), span('e', 5000)]
const ids = (spans: readonly { spanId: string }[]) => spans.map((s) => s.spanId)

describe('advanceWindow', () => {
  it('appends the polled spans and says they were added', () => {
    const window = advanceWindow(freshWindow([a, b], 10), [c, d], 10)
    expect(ids(window.spans)).toEqual(['a', 'b', 'c', 'd'])
    expect(ids(window.added)).toEqual(['c', 'd'])
    expect(window.evicted).toEqual([])
  })

  it('drops spans already held and duplicates within a poll', () => {
    const window = advanceWindow(freshWindow([a, b], 10), [b, c, c], 10)
    expect(ids(window.spans)).toEqual(['a', 'b', 'c'])
    expect(ids(window.added)).toEqual(['c'])
  })

  it('evicts the oldest spans past capacity, and says which', () => {
    const window = advanceWindow(freshWindow([a, b], 3), [c, d, e], 3)
    expect(ids(window.spans)).toEqual(['c', 'd', 'e'])
    expect(ids(window.evicted)).toEqual(['a', 'b'])
    expect(ids(window.added)).toEqual(['c', 'd', 'e'])
  })

  it('does not count as added a polled span that the same poll pushed out', () => {
    const window = advanceWindow(freshWindow([a], 2), [b, c, d], 2)
    expect(ids(window.spans)).toEqual(['c', 'd'])
    expect(ids(window.evicted)).toEqual(['a'])
    expect(ids(window.added)).toEqual(['c', 'd'])
  })

  it('keeps nothing with a capacity of 0', () => {
    expect(advanceWindow(freshWindow([], 0), [a], 0).spans).toEqual([])
  })

  it('leaves the window and the spans it was given unchanged', () => {
    const previous = freshWindow([a], 1)
    const incoming = [b]
    advanceWindow(previous, incoming, 1)
    expect(previous.spans).toEqual([a])
    expect(incoming).toEqual([b])
  })
})

describe('completeSinceMs', () => {
  it('is the end of the latest span the window evicted', () => {
    expect(advanceWindow(freshWindow([a, b, c], 3), [d, e], 3).completeSinceMs).toBe(T0_MS + 3000)
  })

  it('stays while nothing is evicted, and never moves back', () => {
    const first = advanceWindow(freshWindow([a, b], 4), [c], 4)
    expect(first.completeSinceMs).toBeUndefined()
    const second = advanceWindow(advanceWindow(freshWindow([b, a], 2), [c], 2), [d], 2)
    expect(second.completeSinceMs).toBe(T0_MS + 3000)
  })

  it('starts unknown in a fresh window (a recording left for live data)', () => {
    expect(freshWindow([c, d], 10).completeSinceMs).toBeUndefined()
  })
})

describe('follows', () => {
  it('tells a window that moved on from another from one that did not', () => {
    const first = freshWindow([a], 10)
    const second = advanceWindow(first, [b], 10)
    const third = advanceWindow(second, [c], 10)
    expect(follows(second, first)).toBe(true)
    expect(follows(third, first)).toBe(false)
    expect(follows(freshWindow([a], 10), second)).toBe(false)
    expect(follows(first, undefined)).toBe(false)
  })
})
