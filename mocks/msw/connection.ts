import { encodeJsonFrame, encodeRetry } from '../server/frames'
import type { EventHub, HubSubscriber } from '../server/hub'

// One stream connection in the page: the same sequence as the stub's sse.ts (retry, hello,
// snapshot or replay, live, heartbeat, recycle, cut-off), written into a ReadableStream that
// becomes the body of the mocked /api/stream response. A queue over the high-water mark is
// the stub's "socket asks to wait": catch-up stops there and resumes when the reader pulls.

export interface MockConnectionContext {
  hub: EventHub
  heartbeatMs: number
  recycleMs: number
  retryMs: number
  maxUnsentBytes: number
  serverVersion: string
  now(): number
  random(): number
  onClose(connection: MockConnection): void
}

export const STREAM_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
}

/** Bytes queued before catch-up waits for the reader. */
const HIGH_WATER_BYTES = 64 * 1024
/** Live log frames held back while a connection catches up; more means it is not reading. */
const MAX_QUEUED_FRAMES = 5000

const encoder = new TextEncoder()
let lastFrame = ''
let lastBytes = new Uint8Array(0)

/** A published frame reaches every connection in one synchronous loop: encode it once for all. */
function encodeOnce(frame: string): Uint8Array {
  if (frame !== lastFrame) {
    lastFrame = frame
    lastBytes = encoder.encode(frame)
  }
  return lastBytes
}

function newId(): string {
  const c = globalThis.crypto
  if (typeof c.randomUUID === 'function') return c.randomUUID()
  return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

export class MockConnection implements HubSubscriber {
  readonly id = newId()
  readonly follows = new Map<string, () => void>()
  readonly stream: ReadableStream<Uint8Array>
  private controller!: ReadableStreamDefaultController<Uint8Array>
  private unsubscribe: (() => void) | null = null
  private readonly timers: ReturnType<typeof setTimeout>[] = []
  /** The next state seq this client is owed. */
  private cursor = 1
  private readonly queue: string[] = []
  private live = false
  private waitingForPull = false
  private closed = false

  constructor(private readonly ctx: MockConnectionContext) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller
        },
        pull: () => {
          if (!this.waitingForPull) return
          this.waitingForPull = false
          this.pump()
        },
        // The page closed its EventSource (or reloaded): forget the connection.
        cancel: () => this.cleanup(),
      },
      { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
    )
  }

  get isLive(): boolean {
    return this.live
  }

  get isClosed(): boolean {
    return this.closed
  }

  start(lastEventId: string | null): void {
    const { hub } = this.ctx
    // Subscribing and taking the snapshot or resume point in one synchronous step: no publish
    // can fall between them, so nothing is missed and nothing is doubled.
    this.unsubscribe = hub.subscribe(this)
    const resume = hub.resume(lastEventId)
    this.enqueue(encodeRetry(this.ctx.retryMs))
    this.enqueue(
      encodeJsonFrame('hello', {
        connectionId: this.id,
        serverVersion: this.ctx.serverVersion,
        heartbeatMs: this.ctx.heartbeatMs,
        replayed: resume !== null,
      }),
    )
    if (resume) {
      this.cursor = resume.afterSeq + 1
    } else {
      const snapshot = hub.snapshot()
      this.enqueue(snapshot.frame)
      this.cursor = snapshot.seq + 1
    }
    this.timers.push(setInterval(() => this.heartbeat(), this.ctx.heartbeatMs))
    if (this.ctx.recycleMs > 0) {
      const delay = this.ctx.recycleMs * (0.8 + this.ctx.random() * 0.2)
      this.timers.push(setTimeout(() => this.end('recycle'), delay))
    }
    this.pump()
  }

  onState(seq: number, frame: string): void {
    if (!this.live || seq !== this.cursor) return // owed frames are read from the hub's buffer by pump()
    this.cursor = seq + 1
    this.write(frame)
  }

  /** A per-connection frame (log, or a deliberately malformed one): now when live, else after the catch-up. */
  sendControl(frame: string): void {
    if (this.closed) return
    if (this.live) this.write(frame)
    else if (this.queue.length < MAX_QUEUED_FRAMES) this.queue.push(frame)
    else this.destroy()
  }

  /** Frames that may exceed the unsent cap (a log backlog): sent with flow control. */
  sendBulk(frames: readonly string[]): void {
    if (this.closed || frames.length === 0) return
    this.queue.push(...frames)
    this.live = false
    this.pump()
  }

  /** Sends `event: reconnect` and ends the stream on an event boundary. */
  end(reason: string): void {
    if (this.closed) return
    this.enqueue(encodeJsonFrame('reconnect', { reason }))
    try {
      this.controller.close()
    } catch {
      // already closed by the reader
    }
    this.cleanup()
  }

  /** Cuts the connection without a goodbye: the page sees a network error. */
  destroy(): void {
    if (this.closed) return
    this.cleanup()
    try {
      this.controller.error(new TypeError('connection dropped'))
    } catch {
      // already closed
    }
  }

  private enqueue(frame: string): void {
    try {
      this.controller.enqueue(encodeOnce(frame))
    } catch {
      // The reader went away between two frames.
      this.cleanup()
    }
  }

  private write(frame: string): void {
    this.enqueue(frame)
    const desired = this.controller.desiredSize
    if (desired !== null && HIGH_WATER_BYTES - desired > this.ctx.maxUnsentBytes) this.destroy()
  }

  private heartbeat(): void {
    // While catching up the client is receiving data anyway; a heartbeat would only queue up.
    if (this.live) this.write(encodeJsonFrame('heartbeat', { serverTime: new Date(this.ctx.now()).toISOString() }))
  }

  private pump(): void {
    if (this.closed || this.waitingForPull) return
    const { hub } = this.ctx
    for (;;) {
      if (this.closed) return
      if ((this.controller.desiredSize ?? 0) <= 0) {
        this.live = false
        this.waitingForPull = true
        return
      }
      if (this.cursor <= hub.head) {
        const frame = hub.frameAt(this.cursor)
        if (frame === null) {
          // The buffer moved past what this client still needed: it resumes or takes a snapshot.
          this.end('lagging')
          return
        }
        this.enqueue(frame)
        this.cursor++
      } else if (this.queue.length > 0) {
        this.enqueue(this.queue.shift()!)
      } else {
        break
      }
    }
    this.live = true
  }

  private cleanup(): void {
    if (this.closed) return
    this.closed = true
    this.live = false
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.length = 0
    this.unsubscribe?.()
    this.unsubscribe = null
    for (const stop of this.follows.values()) stop()
    this.follows.clear()
    this.queue.length = 0
    this.ctx.onClose(this)
  }
}
