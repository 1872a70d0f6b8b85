import { describe, expect, it } from 'vitest'
import { RecentBuffer, SharedRecentBuffer } from '../../demo/telemetry/recent-buffer.ts'

function filled(capacity: number, count: number): RecentBuffer<number> {
  const buffer = new RecentBuffer<number>(capacity)
  for (let n = 1; n <= count; n++) buffer.push(n)
  return buffer
}

describe('RecentBuffer', () => {
  it('returns only the items after the cursor, oldest first', () => {
    expect(filled(10, 5).after(2, 100)).toEqual({ items: [3, 4, 5], last: 5 })
  })

  it('returns nothing new, and the same cursor, when nothing arrived', () => {
    expect(filled(10, 5).after(5, 100)).toEqual({ items: [], last: 5 })
  })

  it('never holds more than its capacity: old items are overwritten', () => {
    const buffer = filled(4, 10)
    expect(buffer.after(0, 100)).toEqual({ items: [7, 8, 9, 10], last: 10 })
  })

  it('gives the newest items when more than the limit are waiting', () => {
    expect(filled(100, 50).after(0, 3)).toEqual({ items: [48, 49, 50], last: 50 })
  })
})

describe('SharedRecentBuffer', () => {
  it('merges its shares in arrival order after a cursor', () => {
    const buffer = new SharedRecentBuffer<string, 'server' | 'guest'>({ server: 10, guest: 10 })
    buffer.push('server', 's1')
    buffer.push('guest', 'g1')
    buffer.push('server', 's2')
    expect(buffer.after(0, 100)).toEqual({ items: ['s1', 'g1', 's2'], last: 3 })
    expect(buffer.after(1, 100)).toEqual({ items: ['g1', 's2'], last: 3 })
    expect(buffer.after(0, 2)).toEqual({ items: ['g1', 's2'], last: 3 })
  })

  it('lets a flood of one share evict only that share', () => {
    const buffer = new SharedRecentBuffer<string, 'server' | 'guest'>({ server: 3, guest: 2 })
    buffer.push('server', 's1')
    for (let n = 1; n <= 100; n++) buffer.push('guest', `g${n}`)
    expect(buffer.after(0, 100)).toEqual({ items: ['s1', 'g99', 'g100'], last: 101 })
  })
})
