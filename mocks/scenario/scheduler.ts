// A min-heap of timed actions. Ties run in the order they were scheduled, so the
// simulation never depends on how the heap happens to break them.

interface Entry {
  at: number
  seq: number
  run: () => void
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}

export class Scheduler {
  private heap: Entry[] = []
  private seq = 0

  get size(): number {
    return this.heap.length
  }

  at(time: number, run: () => void): void {
    const heap = this.heap
    const entry: Entry = { at: time, seq: this.seq++, run }
    let i = heap.length
    heap.push(entry)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(entry, heap[parent]!)) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = entry
  }

  /** Time of the next action, or Infinity when nothing is scheduled. */
  peekTime(): number {
    return this.heap[0]?.at ?? Infinity
  }

  /** Removes the next action and returns it with its time. */
  pop(): Entry | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (!top || !last || heap.length === 0) return top
    let i = 0
    const n = heap.length
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left
      if (!before(heap[child]!, last)) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
    return top
  }

  /** Postpones everything by `ms`: a skipped stretch of time in which nothing happened. */
  shift(ms: number): void {
    for (const entry of this.heap) entry.at += ms
  }
}
