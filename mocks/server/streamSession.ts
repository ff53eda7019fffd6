import { encodeJsonFrame, encodeRetry } from './frames'
import type { EventHub, HubSubscriber } from './hub'

// One stream connection's protocol, whatever carries its bytes: retry and hello, snapshot or
// replay, catch-up from the hub's buffer under flow control, live, heartbeat, recycle,
// cut-off. No node: imports: MSW runs it in the page. The transport sits behind a StreamSink
// (sse.ts: a node:http response; msw/connection.ts: a ReadableStream).

/** Where a session's bytes go. Frames are written whole, so a boundary between writes is an event boundary. */
export interface StreamSink {
  /**
   * Writes one frame. `shared`: the hub's frame, handed to every live connection in the same
   * loop, so a transport may encode it once for all of them.
   */
  write(frame: string, shared: boolean): void
  /** False while the transport asks the writer to wait; it calls the session's `ready()` once it wants more. */
  readonly wantsMore: boolean
  /** Bytes written that the client has not taken yet. */
  readonly unsentBytes: number
  /** Writes `lastFrame` and ends the stream. */
  close(lastFrame: string): void
  /** Drops the transport without a goodbye. */
  destroy(): void
}

export interface SessionTimers {
  every(ms: number, fn: () => void): void
  after(ms: number, fn: () => void): void
  clearAll(): void
}

export interface SessionContext {
  hub: EventHub
  heartbeatMs: number
  /** Connection lifetime, randomised to 80-100%; 0 = never. */
  recycleMs: number
  retryMs: number
  maxUnsentBytes: number
  /** Heartbeat periods a catch-up may wait for the transport before the client is cut off (Infinity: never). */
  stalledHeartbeats: number
  serverVersion(): string
  now(): number
  random(): number
  onClose(session: StreamSession): void
}

/** Live log frames held back while a connection catches up; more means it is not reading. */
export const MAX_QUEUED_FRAMES = 5000

/** Plain timers, for transports with nothing to count or unref (the page, tests). */
export class PlainTimers implements SessionTimers {
  private readonly handles: ReturnType<typeof setTimeout>[] = []

  every(ms: number, fn: () => void): void {
    this.handles.push(setInterval(fn, ms))
  }

  after(ms: number, fn: () => void): void {
    this.handles.push(setTimeout(fn, ms))
  }

  clearAll(): void {
    for (const handle of this.handles) clearTimeout(handle)
    this.handles.length = 0
  }
}

/** When catching up, write until the transport asks to wait, then resume when it calls `ready()`. */
export class StreamSession implements HubSubscriber {
  readonly follows = new Map<string, () => void>()
  private unsubscribe: (() => void) | null = null
  /** The next state seq this client is owed. */
  private cursor = 1
  /** Per-connection frames (log backlog) owed while catching up. */
  private readonly queue: string[] = []
  private live = false
  private waiting = false
  /** Heartbeat periods spent waiting for the transport. */
  private stalledBeats = 0
  private closed = false

  constructor(
    readonly id: string,
    private readonly ctx: SessionContext,
    private readonly sink: StreamSink,
    private readonly timers: SessionTimers,
  ) {}

  get isLive(): boolean {
    return this.live
  }

  get isClosed(): boolean {
    return this.closed
  }

  start(lastEventId: string | null): void {
    const { hub } = this.ctx
    const sink = this.sink
    // Subscribing and taking the snapshot or resume point happen in one synchronous step:
    // no publish can fall between them, so nothing is missed and nothing is doubled.
    this.unsubscribe = hub.subscribe(this)
    const resume = hub.resume(lastEventId)
    sink.write(encodeRetry(this.ctx.retryMs), false)
    sink.write(
      encodeJsonFrame('hello', {
        connectionId: this.id,
        serverVersion: this.ctx.serverVersion(),
        heartbeatMs: this.ctx.heartbeatMs,
        replayed: resume !== null,
      }),
      false,
    )
    if (resume) {
      this.cursor = resume.afterSeq + 1
    } else {
      const snapshot = hub.snapshot()
      sink.write(snapshot.frame, false)
      this.cursor = snapshot.seq + 1
    }
    this.timers.every(this.ctx.heartbeatMs, () => this.heartbeat())
    if (this.ctx.recycleMs > 0) {
      const delay = this.ctx.recycleMs * (0.8 + this.ctx.random() * 0.2)
      this.timers.after(delay, () => this.end('recycle'))
    }
    this.pump()
  }

  onState(seq: number, frame: string): void {
    if (!this.live || seq !== this.cursor) return // owed frames are read from the hub's buffer by pump()
    this.cursor = seq + 1
    this.write(frame, true)
  }

  /** A per-connection frame (log, or a deliberately malformed one): written now when live, else after the catch-up. */
  sendControl(frame: string): void {
    if (this.closed) return
    if (this.live) this.write(frame, false)
    else if (this.queue.length < MAX_QUEUED_FRAMES) this.queue.push(frame)
    else this.destroy()
  }

  /** Frames that may exceed the unsent cap (a log backlog): sent with flow control. */
  sendBulk(frames: readonly string[]): void {
    if (this.closed || frames.length === 0) return
    for (const frame of frames) this.queue.push(frame)
    this.live = false
    this.pump()
  }

  /** Sends `event: reconnect` and ends the stream; frames are whole strings, so this is an event boundary. */
  end(reason: string): void {
    if (this.closed) return
    this.sink.close(encodeJsonFrame('reconnect', { reason }))
    this.cleanup()
  }

  /** Cuts the connection off without a goodbye (a client that stopped reading). */
  destroy(): void {
    if (this.closed) return
    this.cleanup()
    this.sink.destroy()
  }

  /** The transport wants more (drain, pull). */
  ready(): void {
    if (!this.waiting) return
    this.waiting = false
    this.pump()
  }

  /** The transport is gone (the client closed, or it went away between two frames). */
  transportClosed(): void {
    this.cleanup()
  }

  private write(frame: string, shared: boolean): void {
    this.sink.write(frame, shared)
    if (this.sink.unsentBytes > this.ctx.maxUnsentBytes) this.destroy()
  }

  private heartbeat(): void {
    // While catching up the client is receiving data anyway; a heartbeat would only queue up.
    if (this.live) {
      this.write(encodeJsonFrame('heartbeat', { serverTime: new Date(this.ctx.now()).toISOString() }), false)
    } else if (this.waiting && ++this.stalledBeats > this.ctx.stalledHeartbeats) {
      // A client that stopped reading in the middle of a catch-up would never reach the
      // unsent-bytes check (nothing more is written until it reads): cut it off here.
      this.destroy()
    }
  }

  private pump(): void {
    if (this.closed || this.waiting) return
    const { hub } = this.ctx
    for (;;) {
      // A transport may find its client gone in the middle of a write.
      if (this.closed) return
      if (!this.sink.wantsMore) {
        this.live = false
        this.waiting = true
        this.stalledBeats = 0
        return
      }
      if (this.cursor <= hub.head) {
        const frame = hub.frameAt(this.cursor)
        if (frame === null) {
          // The buffer moved past what this client still needed: it resumes from its last id or gets a snapshot.
          this.end('lagging')
          return
        }
        this.sink.write(frame, false)
        this.cursor++
      } else if (this.queue.length > 0) {
        this.sink.write(this.queue.shift()!, false)
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
    this.timers.clearAll()
    this.unsubscribe?.()
    this.unsubscribe = null
    for (const stop of this.follows.values()) stop()
    this.follows.clear()
    this.queue.length = 0
    this.ctx.onClose(this)
  }
}
