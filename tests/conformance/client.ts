import { createParser, type EventSourceMessage } from 'eventsource-parser'

// A minimal SSE reader over fetch for the conformance checker: keeps the raw text (for the
// byte-level rules) and the parsed events, and never needs any control over the server.

export interface StreamProbe {
  status: number
  headers: Headers
  raw(): string
  events: EventSourceMessage[]
  ended(): boolean
  /** First event from index `from` on that matches, or null after `timeoutMs` or at the end of the stream. */
  waitFor(
    predicate: (e: EventSourceMessage) => boolean,
    timeoutMs: number,
    from?: number,
  ): Promise<EventSourceMessage | null>
  close(): void
}

export async function openProbe(url: string, headers: Record<string, string> = {}): Promise<StreamProbe> {
  const abort = new AbortController()
  const res = await fetch(url, {
    headers: { Accept: 'text/event-stream', 'Accept-Encoding': 'gzip, deflate, br', ...headers },
    signal: abort.signal,
    cache: 'no-store',
  })
  const events: EventSourceMessage[] = []
  let raw = ''
  let done = false
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const w of [...waiters]) w()
  }
  const parser = createParser({
    onEvent: (e) => {
      events.push(e)
      notify()
    },
  })
  if (res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    void (async () => {
      try {
        for (;;) {
          const { value, done: finished } = await reader.read()
          if (finished) break
          if (raw.length < 64 * 1024) raw += value
          parser.feed(value)
        }
      } catch {
        // aborted or cut: the stream is over either way
      }
      done = true
      notify()
    })()
  } else {
    done = true
  }
  return {
    status: res.status,
    headers: res.headers,
    raw: () => raw,
    events,
    ended: () => done,
    waitFor(predicate, timeoutMs, from = 0) {
      return new Promise((resolve) => {
        let next = from
        const check = () => {
          for (; next < events.length; next++) {
            if (predicate(events[next]!)) return finish(events[next]!)
          }
          if (done) finish(null)
        }
        const timer = setTimeout(() => finish(null), timeoutMs)
        const finish = (e: EventSourceMessage | null) => {
          clearTimeout(timer)
          waiters.delete(check)
          resolve(e)
        }
        waiters.add(check)
        check()
      })
    },
    close: () => abort.abort(),
  }
}
