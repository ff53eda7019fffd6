import { EventSource } from 'eventsource'
import { createParser, type EventSourceMessage } from 'eventsource-parser'

// MSW in Node: the `eventsource` package stands in for the browser's EventSource (msw's sse()
// needs a global one where a handler is made; connectBoard takes it as EventSourceImpl), and
// a raw reader keeps every byte a mocked /api/stream sends.

if (typeof globalThis.EventSource === 'undefined') {
  ;(globalThis as { EventSource?: unknown }).EventSource = EventSource
}

export const ORIGIN = 'http://radiator.test'

export interface MockStream {
  status: number
  headers: Headers
  events: EventSourceMessage[]
  retries: number[]
  text(): string
  ended(): boolean
  waitFor(predicate: (e: EventSourceMessage) => boolean, timeoutMs?: number): Promise<EventSourceMessage>
  waitForEnd(timeoutMs?: number): Promise<void>
  close(): void
}

/** Reads a stream through fetch (which msw/node intercepts), parsing frames as they arrive. */
export async function openMockStream(path: string, headers: Record<string, string> = {}): Promise<MockStream> {
  const controller = new AbortController()
  const response = await fetch(`${ORIGIN}${path}`, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  })
  const events: EventSourceMessage[] = []
  const retries: number[] = []
  let text = ''
  let ended = false
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const waiter of [...waiters]) waiter()
  }
  const parser = createParser({
    onEvent: (e) => {
      events.push(e)
      notify()
    },
    onRetry: (ms) => retries.push(ms),
  })
  const decoder = new TextDecoder()
  void (async () => {
    try {
      const reader = response.body!.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        const chunk = decoder.decode(value, { stream: true })
        text += chunk
        parser.feed(chunk)
      }
    } catch {
      // aborted or dropped
    }
    ended = true
    notify()
  })()
  const until = (check: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const run = () => {
        if (!check()) return false
        waiters.delete(run)
        clearTimeout(timer)
        resolve()
        return true
      }
      const timer = setTimeout(() => {
        waiters.delete(run)
        reject(
          new Error(`timed out waiting for ${what} (${events.length} events: ${events.map((e) => e.event).join(',')})`),
        )
      }, timeoutMs)
      waiters.add(run)
      run()
    })
  return {
    status: response.status,
    headers: response.headers,
    events,
    retries,
    text: () => text,
    ended: () => ended,
    async waitFor(predicate, timeoutMs = 3000) {
      let found: EventSourceMessage | undefined
      await until(
        () => {
          found = events.find(predicate)
          return found !== undefined || ended
        },
        timeoutMs,
        'an event',
      )
      if (!found) throw new Error(`stream ended before the awaited event (${events.map((e) => e.event).join(',')})`)
      return found
    },
    waitForEnd: (timeoutMs = 3000) => until(() => ended, timeoutMs, 'the end of the stream'),
    close: () => controller.abort(),
  }
}
