// Timers owned by one connection, counted server-wide so tests can prove that a closed
// connection leaves none behind.
export class TimerCounter {
  active = 0
}

export class ConnectionTimers {
  private readonly handles = new Set<NodeJS.Timeout>()

  constructor(private readonly counter: TimerCounter) {}

  every(ms: number, fn: () => void): void {
    const handle = setInterval(fn, ms)
    this.track(handle)
  }

  after(ms: number, fn: () => void): void {
    const handle = setTimeout(() => {
      this.untrack(handle)
      fn()
    }, ms)
    this.track(handle)
  }

  clearAll(): void {
    for (const handle of this.handles) clearTimeout(handle)
    this.counter.active -= this.handles.size
    this.handles.clear()
  }

  private track(handle: NodeJS.Timeout): void {
    handle.unref()
    this.handles.add(handle)
    this.counter.active++
  }

  private untrack(handle: NodeJS.Timeout): void {
    if (this.handles.delete(handle)) this.counter.active--
  }
}
