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

  constructor(readonly capacity: number) {
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
}
