import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventHub, HubSubscriber } from './hub'
import { encodeJsonFrame, encodeRetry } from './frames'
import type { Settings } from './settings'
import { ConnectionTimers, type TimerCounter } from './timers'

// One stream connection on node:http. What is pushed (ids, frames, replay) lives in the hub;
// this file only wires a response to it: headers, greeting, catch-up, live, heartbeat, recycle, cut-off.

export interface StreamContext {
  hub: EventHub
  settings: Settings
  registry: ConnectionRegistry
  timers: TimerCounter
  serverVersion: () => string
  now: () => number
}

export class ConnectionRegistry {
  private readonly connections = new Map<string, StreamConnection>()

  add(connection: StreamConnection): void {
    this.connections.set(connection.id, connection)
  }

  remove(connection: StreamConnection): void {
    if (this.connections.get(connection.id) === connection) this.connections.delete(connection.id)
  }

  get(id: string): StreamConnection | undefined {
    return this.connections.get(id)
  }

  get size(): number {
    return this.connections.size
  }

  /** Every open connection (a copy, so callers may end them while iterating). */
  all(): StreamConnection[] {
    return [...this.connections.values()]
  }

  /** Ends every stream with a `reconnect` event (shutdown, fault drills). */
  endAll(reason: string): void {
    for (const connection of [...this.connections.values()]) connection.end(reason)
  }
}

/** Live log frames held back while a connection catches up; more means it is not reading. */
const MAX_QUEUED_FRAMES = 5000
/** Heartbeat periods a catch-up may wait for the client to read before it is cut off. */
const STALLED_HEARTBEATS = 2

const CRLF = Buffer.from('\r\n')
let sharedFrame: string | null = null
let sharedChunk: Buffer = Buffer.alloc(0)

/**
 * A state frame as one HTTP/1.1 chunk (size line, bytes, CRLF), encoded once for every
 * connection it goes to: `res.write` would encode the string and write three pieces per
 * connection, which with 10,000 streams costs more than the rest of a publish.
 */
export function sharedChunkOf(frame: string): Buffer {
  if (frame !== sharedFrame) {
    const body = Buffer.from(frame)
    sharedChunk = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, CRLF])
    sharedFrame = frame
  }
  return sharedChunk
}

export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
} as const

export function handleStream(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: StreamContext,
): StreamConnection {
  res.writeHead(200, STREAM_HEADERS)
  res.flushHeaders()
  res.socket?.setNoDelay(true)
  // A non-empty header wins over the query parameter (EventSource sends the header on its own reconnects).
  const header = req.headers['last-event-id']
  const fromHeader = typeof header === 'string' && header !== '' ? header : null
  const lastEventId = fromHeader ?? url.searchParams.get('lastEventId')
  const connection = new StreamConnection(res, ctx)
  connection.start(lastEventId)
  return connection
}

/** When catching up, write until the socket asks to wait, then resume on 'drain'. */
export class StreamConnection implements HubSubscriber {
  readonly id = randomUUID()
  readonly follows = new Map<string, () => void>()
  private readonly timers: ConnectionTimers
  private unsubscribe: (() => void) | null = null
  /** The next state seq this client is owed. */
  private cursor = 1
  /** Per-connection frames (log backlog) owed while catching up. */
  private readonly queue: string[] = []
  private live = false
  private waitingForDrain = false
  /** Heartbeat periods spent waiting for a drain that has not come. */
  private stalledBeats = 0
  private closed = false

  constructor(
    private readonly res: ServerResponse,
    private readonly ctx: StreamContext,
  ) {
    this.timers = new ConnectionTimers(ctx.timers)
    res.on('close', () => this.cleanup())
  }

  get isLive(): boolean {
    return this.live
  }

  start(lastEventId: string | null): void {
    const { hub, settings, registry } = this.ctx
    // A client gone before we start would never emit 'close' again: nothing to set up for it.
    if (this.res.socket === null || this.res.socket.destroyed) return this.cleanup()
    registry.add(this)
    // Subscribing and taking the snapshot or resume point happen in the same tick as each
    // other: no publish can fall between them, so nothing is missed and nothing is doubled.
    this.unsubscribe = hub.subscribe(this)
    const resume = hub.resume(lastEventId)
    this.res.write(encodeRetry(settings.retryMs))
    this.res.write(
      encodeJsonFrame('hello', {
        connectionId: this.id,
        serverVersion: this.ctx.serverVersion(),
        heartbeatMs: settings.heartbeatMs,
        replayed: resume !== null,
      }),
    )
    if (resume) {
      this.cursor = resume.afterSeq + 1
    } else {
      const snapshot = hub.snapshot()
      this.res.write(snapshot.frame)
      this.cursor = snapshot.seq + 1
    }
    this.timers.every(settings.heartbeatMs, () => this.heartbeat())
    if (settings.recycleMs > 0) {
      const delay = settings.recycleMs * (0.8 + Math.random() * 0.2)
      this.timers.after(delay, () => this.end('recycle'))
    }
    this.pump()
  }

  onState(seq: number, frame: string): void {
    if (!this.live || seq !== this.cursor) return // owed frames are read from the hub's buffer by pump()
    this.cursor = seq + 1
    const socket = this.res.socket
    // The same chunk bytes for every connection, straight to the socket: same bytes on the wire
    // as res.write, in order with it (both go through the socket's own buffer).
    if (socket && this.res.chunkedEncoding && this.res.headersSent) {
      socket.write(sharedChunkOf(frame))
      if (this.res.writableLength > this.ctx.settings.maxUnsentBytes) this.destroy()
    } else {
      this.write(frame)
    }
  }

  /** A per-connection frame (log): written now when live, else after the catch-up. */
  sendControl(frame: string): void {
    if (this.closed) return
    if (this.live) this.write(frame)
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

  /** Sends `event: reconnect` and ends the response; frames are whole strings, so this is an event boundary. */
  end(reason: string): void {
    if (this.closed) return
    this.res.end(encodeJsonFrame('reconnect', { reason }))
    this.cleanup()
  }

  /** Fault drill: writes `partial` (half a frame, no event boundary) and drops the socket. */
  cutMidFrame(partial: string): void {
    if (this.closed) return
    this.res.write(partial, () => this.destroy())
    // Should the write never complete (client not reading), the cut still happens.
    setTimeout(() => this.destroy(), 50).unref()
  }

  /** Cuts the connection off without a goodbye (a client that stopped reading). */
  destroy(): void {
    if (this.closed) return
    this.cleanup()
    this.res.destroy()
    this.res.socket?.destroy()
  }

  private write(frame: string): void {
    this.res.write(frame)
    if (this.res.writableLength > this.ctx.settings.maxUnsentBytes) this.destroy()
  }

  private heartbeat(): void {
    // While catching up the client is receiving data anyway; a heartbeat would only queue up.
    if (this.live) this.write(encodeJsonFrame('heartbeat', { serverTime: new Date(this.ctx.now()).toISOString() }))
    else if (this.waitingForDrain && ++this.stalledBeats > STALLED_HEARTBEATS) {
      // A client that stopped reading in the middle of a catch-up would never reach the
      // unsent-bytes check (nothing more is written until it drains): cut it off here.
      this.destroy()
    }
  }

  private pump(): void {
    if (this.closed || this.waitingForDrain) return
    const { hub } = this.ctx
    for (;;) {
      if (this.res.writableNeedDrain) {
        this.live = false
        this.waitingForDrain = true
        this.stalledBeats = 0
        this.res.once('drain', () => {
          this.waitingForDrain = false
          this.pump()
        })
        return
      }
      if (this.cursor <= hub.head) {
        const frame = hub.frameAt(this.cursor)
        if (frame === null) {
          // The buffer moved past what this client still needed: it resumes from its last id or gets a snapshot.
          this.end('lagging')
          return
        }
        this.res.write(frame)
        this.cursor++
      } else if (this.queue.length > 0) {
        this.res.write(this.queue.shift()!)
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
    this.ctx.registry.remove(this)
  }
}
