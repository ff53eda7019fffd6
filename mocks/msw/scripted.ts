import { http, HttpResponse, type RequestHandler } from 'msw'
import { encodeFrame, encodeRetry, type FrameFields } from '../server/frames'
import { STREAM_HEADERS } from './connection'
import { lastEventIdOf } from './handlers'

// Scripted streams for tests: each connection to /api/stream gets exactly the frames a test
// lists, so a store or stream test can stage a snapshot, a malformed frame, a reconnect,
// without a simulator. Frames are objects (encoded as the stub would) or raw strings (sent
// byte for byte, so a test can send what no encoder would produce).

export type ScriptedFrame = FrameFields | { retry: number } | string

export interface StreamRequestInfo {
  /** 0 for the first connection, 1 for the next... */
  index: number
  lastEventId: string | null
  url: string
}

export interface ScriptedStreamOptions {
  /** Path pattern of the stream; any origin by default. */
  path?: string
  /** End the response after the frames (an EventSource then reconnects); default: keep it open. */
  end?: boolean
}

export interface ScriptedStream {
  handler: RequestHandler
  /** Every request the handler answered, in order. */
  requests: StreamRequestInfo[]
  /** Sends more frames on the newest open connection. */
  push(...frames: ScriptedFrame[]): void
  /** Closes every open connection. */
  closeAll(): void
}

export function frameText(frame: ScriptedFrame): string {
  if (typeof frame === 'string') return frame
  if ('retry' in frame) return encodeRetry(frame.retry)
  return encodeFrame(frame)
}

/** The JSON frame of an event: `frame('snapshot', {...}, 'e-1')`. */
export function frame(event: string, payload: unknown, id?: string): FrameFields {
  return { event, data: JSON.stringify(payload), ...(id === undefined ? {} : { id }) }
}

/**
 * A handler for /api/stream sending `script(info)` (or the same list every time) on each
 * connection. The frames go out in one chunk per frame, as a server would flush them.
 */
export function scriptedStream(
  script: readonly ScriptedFrame[] | ((info: StreamRequestInfo) => readonly ScriptedFrame[]),
  options: ScriptedStreamOptions = {},
): ScriptedStream {
  const requests: StreamRequestInfo[] = []
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>()
  let newest: ReadableStreamDefaultController<Uint8Array> | null = null
  const encoder = new TextEncoder()
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, frames: readonly ScriptedFrame[]) => {
    for (const f of frames) controller.enqueue(encoder.encode(frameText(f)))
  }
  const handler = http.get(options.path ?? '*/api/stream', ({ request }) => {
    const info: StreamRequestInfo = { index: requests.length, lastEventId: lastEventIdOf(request), url: request.url }
    requests.push(info)
    const frames = typeof script === 'function' ? script(info) : script
    let own: ReadableStreamDefaultController<Uint8Array> | null = null
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        own = controller
        send(controller, frames)
        if (options.end) controller.close()
        else {
          open.add(controller)
          newest = controller
        }
      },
      cancel() {
        if (own) open.delete(own)
        if (newest === own) newest = null
      },
    })
    return new HttpResponse(body, { status: 200, headers: STREAM_HEADERS })
  })
  return {
    handler,
    requests,
    push(...frames) {
      if (newest) send(newest, frames)
    },
    closeAll() {
      for (const controller of open) {
        try {
          controller.close()
        } catch {
          // already closed
        }
      }
      open.clear()
      newest = null
    },
  }
}
