// A fixed-capacity ring of the most recent items, each numbered in arrival order, so a
// poller can ask "what came after number N?". Memory never grows past `capacity` items.

export interface Page<T> {
  items: T[]
  /** Number of the last item returned, or `after` when there is nothing new. */
  last: number
}

export class RecentBuffer<T> {
  private readonly items: (T | undefined)[]
  private pushed = 0

  readonly capacity: number

  constructor(capacity: number) {
    this.capacity = capacity
    this.items = new Array(capacity)
  }

  push(item: T): void {
    this.items[this.pushed % this.capacity] = item
    this.pushed += 1
  }

  /** Items numbered after `after` (1-based), oldest first, at most the `limit` newest of them. */
  after(after: number, limit: number): Page<T> {
    const newest = this.pushed
    const oldestKept = Math.max(0, newest - this.capacity)
    const from = Math.max(after, oldestKept, newest - limit)
    const items: T[] = []
    for (let n = from; n < newest; n++) items.push(this.items[n % this.capacity] as T)
    return { items, last: Math.max(after, newest) }
  }

  /** The newest items, newest first, down to the first one `isOld` says is old, at most `limit`. */
  newestUntil(isOld: (item: T) => boolean, limit: number): T[] {
    const found: T[] = []
    for (let n = this.pushed - 1; n >= Math.max(0, this.pushed - this.capacity) && found.length < limit; n--) {
      const item = this.items[n % this.capacity] as T
      if (isOld(item)) break
      found.push(item)
    }
    return found
  }
}

/**
 * Recent items numbered in one arrival order, but kept in separate shares of fixed capacity: a
 * flood into one share evicts only that share's oldest items, never another share's. A page
 * merges the shares back into arrival order.
 */
export class SharedRecentBuffer<T, Share extends string> {
  private readonly rings: Map<Share, RecentBuffer<{ n: number; item: T }>>
  private pushed = 0

  constructor(capacities: Record<Share, number>) {
    this.rings = new Map(Object.entries(capacities).map(([share, capacity]) => [share as Share, new RecentBuffer(capacity as number)]))
  }

  push(share: Share, item: T): void {
    this.pushed += 1
    this.rings.get(share)!.push({ n: this.pushed, item })
  }

  /** Items numbered after `after`, in arrival order, at most the `limit` newest of them. */
  after(after: number, limit: number): Page<T> {
    const numbered: { n: number; item: T }[] = []
    for (const ring of this.rings.values()) {
      numbered.push(...ring.newestUntil((entry) => entry.n <= after, limit))
    }
    numbered.sort((a, b) => a.n - b.n)
    return { items: numbered.slice(-limit).map((entry) => entry.item), last: Math.max(after, this.pushed) }
  }
}
