import type { EventHub } from '../server/hub'
import { PlainTimers, StreamSession, type StreamSink } from '../server/streamSession'

// One stream connection in the page: the stub's session (server/streamSession.ts), written
// into a ReadableStream that becomes the body of the mocked /api/stream response. A queue
// over the high-water mark is the stub's "socket asks to wait": catch-up stops there and
// resumes when the reader pulls.

export interface MockConnectionContext {
  hub: EventHub
  heartbeatMs: number
  recycleMs: number
  retryMs: number
  maxUnsentBytes: number
  serverVersion: string
  now(): number
  random(): number
  onClose(connection: StreamSession): void
}

export const STREAM_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
}

/** Bytes queued before catch-up waits for the reader. */
const HIGH_WATER_BYTES = 64 * 1024

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

/** The body of one mocked /api/stream response as a session's transport. */
class ResponseBodySink implements StreamSink {
  readonly stream: ReadableStream<Uint8Array>
  /** Set once the connection exists: the reader wants more, or went away. */
  onPull = (): void => {}
  onGone = (): void => {}
  private controller!: ReadableStreamDefaultController<Uint8Array>

  constructor() {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller
        },
        pull: () => this.onPull(),
        // The page closed its EventSource (or reloaded): forget the connection.
        cancel: () => this.onGone(),
      },
      { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
    )
  }

  get wantsMore(): boolean {
    return (this.controller.desiredSize ?? 0) > 0
  }

  get unsentBytes(): number {
    const desired = this.controller.desiredSize
    return desired === null ? 0 : HIGH_WATER_BYTES - desired
  }

  write(frame: string): void {
    try {
      this.controller.enqueue(encodeOnce(frame))
    } catch {
      // The reader went away between two frames.
      this.onGone()
    }
  }

  close(lastFrame: string): void {
    this.write(lastFrame)
    try {
      this.controller.close()
    } catch {
      // already closed by the reader
    }
  }

  destroy(): void {
    try {
      this.controller.error(new TypeError('connection dropped'))
    } catch {
      // already closed
    }
  }
}

/** A stream session whose bytes become the body of a mocked response; the reader's pull is its "ready for more". */
export class MockConnection extends StreamSession {
  readonly stream: ReadableStream<Uint8Array>

  constructor(ctx: MockConnectionContext) {
    const sink = new ResponseBodySink()
    super(
      newId(),
      {
        hub: ctx.hub,
        heartbeatMs: ctx.heartbeatMs,
        recycleMs: ctx.recycleMs,
        retryMs: ctx.retryMs,
        maxUnsentBytes: ctx.maxUnsentBytes,
        // No stall cut-off: the only reader is this page, so a stall holds up no other client,
        // and the page's own watchdog reopens a stream that goes quiet.
        stalledHeartbeats: Infinity,
        serverVersion: () => ctx.serverVersion,
        now: () => ctx.now(),
        random: () => ctx.random(),
        onClose: (closed) => ctx.onClose(closed),
      },
      sink,
      new PlainTimers(),
    )
    this.stream = sink.stream
    sink.onPull = () => this.ready()
    sink.onGone = () => this.transportClosed()
  }
}
