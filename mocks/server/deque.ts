// A growable FIFO with O(1) amortised push and shift: items are dropped from the front by
// moving a start index, and the array is compacted only once the dead prefix outweighs the
// live part (Array.prototype.shift would copy the whole buffer on every eviction).
export class Deque<T> {
  private items: T[] = []
  private start = 0

  get length(): number {
    return this.items.length - this.start
  }

  push(item: T): void {
    this.items.push(item)
  }

  /** The item `index` places from the front, or undefined. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.length) return undefined
    return this.items[this.start + index]
  }

  first(): T | undefined {
    return this.at(0)
  }

  /** Drops `count` items from the front. */
  drop(count: number): void {
    this.start += Math.min(count, this.length)
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start)
      this.start = 0
    }
  }

  slice(from: number, to = this.length): T[] {
    const lo = Math.max(0, from)
    const hi = Math.min(this.length, to)
    return hi > lo ? this.items.slice(this.start + lo, this.start + hi) : []
  }
}
