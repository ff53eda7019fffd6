import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventHub } from './hub'
import type { Settings } from './settings'
import { StreamSession, type StreamSink } from './streamSession'
import { ConnectionTimers, type TimerCounter } from './timers'

// One stream connection on node:http. What is pushed (ids, frames, replay) lives in the hub,
// how a connection behaves (greeting, catch-up, live, heartbeat, recycle, cut-off) in
// streamSession.ts; this file only wires a response to them: headers, the shared chunk, drain.

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

  remove(connection: StreamSession): void {
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

/** A node:http response as a session's transport. */
function responseSink(res: ServerResponse): StreamSink {
  return {
    write(frame, shared) {
      const socket = res.socket
      // The same chunk bytes for every connection, straight to the socket: same bytes on the wire
      // as res.write, in order with it (both go through the socket's own buffer).
      if (shared && socket && res.chunkedEncoding && res.headersSent) socket.write(sharedChunkOf(frame))
      else res.write(frame)
    },
    get wantsMore() {
      return !res.writableNeedDrain
    },
    get unsentBytes() {
      return res.writableLength
    },
    close(lastFrame) {
      res.end(lastFrame)
    },
    destroy() {
      res.destroy()
      res.socket?.destroy()
    },
  }
}

/** A stream session on a node:http response; 'drain' is its "ready for more". */
export class StreamConnection extends StreamSession {
  private readonly registry: ConnectionRegistry

  constructor(
    private readonly res: ServerResponse,
    ctx: StreamContext,
  ) {
    const { settings } = ctx
    super(
      randomUUID(),
      {
        hub: ctx.hub,
        heartbeatMs: settings.heartbeatMs,
        recycleMs: settings.recycleMs,
        retryMs: settings.retryMs,
        maxUnsentBytes: settings.maxUnsentBytes,
        stalledHeartbeats: STALLED_HEARTBEATS,
        serverVersion: () => ctx.serverVersion(),
        now: () => ctx.now(),
        random: Math.random,
        onClose: (closed) => ctx.registry.remove(closed),
      },
      responseSink(res),
      new ConnectionTimers(ctx.timers),
    )
    this.registry = ctx.registry
    res.on('close', () => this.transportClosed())
    res.on('drain', () => this.ready())
  }

  override start(lastEventId: string | null): void {
    // A client gone before we start would never emit 'close' again: nothing to set up for it.
    if (this.res.socket === null || this.res.socket.destroyed) return this.transportClosed()
    this.registry.add(this)
    super.start(lastEventId)
  }

  /** Fault drill: writes `partial` (half a frame, no event boundary) and drops the socket. */
  cutMidFrame(partial: string): void {
    if (this.isClosed) return
    this.res.write(partial, () => this.destroy())
    // Should the write never complete (client not reading), the cut still happens.
    setTimeout(() => this.destroy(), 50).unref()
  }
}
