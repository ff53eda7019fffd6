import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendError, sendJson } from './http'
import type { EventHub } from './hub'
import type { ConnectionRegistry } from './sse'

// The fault control endpoint, for end-to-end drills: only routed when FAULTS=1. It breaks
// things on purpose (503s, streams cut mid-event, garbage frames) and reads the hub's state
// so a test can compare the page with what the server holds.

export interface FaultTarget {
  hub: EventHub
  registry: ConnectionRegistry
  setUnavailable(ms: number): void
}

/**
 * Frames no parser can decode, or that name no known event. None carries an id. A browser
 * never hands a page an event name nobody listens to, so `no_such_event` is silently dropped
 * by the EventSource itself; an unnamed frame arrives as `message`, an unknown type.
 */
export const MALFORMED_FRAMES: readonly string[] = [
  'event: build\ndata: {"id":"b-truncated","repo":\n\n',
  'event: no_such_event\ndata: {}\n\n',
  'data: {"note":"a frame without an event name"}\n\n',
  'event: pull_request\ndata: not json at all\n\n',
]

/** Well-formed JSON that breaks the schema of a known event. None carries an id. */
export const INVALID_FRAMES: readonly string[] = [
  'event: build\ndata: {"id":"b-invalid","status":"exploded"}\n\n',
  'event: deployment\ndata: {"id":"d-invalid","rolloutPercent":250}\n\n',
  'event: pull_request\ndata: {"id":42}\n\n',
  'event: heartbeat\ndata: {"serverTime":42}\n\n',
]

/** What a cut stream's last bytes look like: an event whose data line never ends. */
export function halfFrame(hub: EventHub): string {
  const whole = `id: ${hub.epoch}-${hub.head + 1}\nevent: build\ndata: {"id":"b-cut-mid-event","repo":"cut","status":"passed"}\n\n`
  return whole.slice(0, Math.floor(whole.length / 2))
}

function count(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  return Number.isInteger(value) && value >= 0 && value <= 100_000 ? value : -1
}

/**
 * Routes `/api/faults/*`:
 * - `GET state`: `{epoch, head, headId, connections, state}` (the state a snapshot would carry);
 * - `POST unavailable?ms=N`: the stream and API answer 503 for N ms (0 ends it);
 * - `POST cut`: every stream gets half a frame, then its socket is destroyed;
 * - `POST inject?malformed=N&invalid=M`: N malformed and M schema-invalid frames into every stream;
 * - `POST recycle`: every stream ends with `event: reconnect` (reason `fault`).
 */
export function handleFaults(req: IncomingMessage, res: ServerResponse, url: URL, target: FaultTarget): void {
  const action = url.pathname.slice('/api/faults/'.length)
  const { hub, registry } = target
  if (action === 'state') {
    if (req.method !== 'GET') return sendError(res, 405, `method ${req.method} not allowed`, { Allow: 'GET' })
    return sendJson(res, 200, {
      epoch: hub.epoch,
      head: hub.head,
      headId: hub.headId,
      connections: registry.size,
      state: hub.state(),
    })
  }
  if (req.method !== 'POST') return sendError(res, 405, `method ${req.method} not allowed`, { Allow: 'POST' })
  // The body is not needed; drain it so the connection can be reused.
  req.resume()
  const connections = registry.all()
  switch (action) {
    case 'unavailable': {
      const ms = count(url, 'ms', -1)
      if (ms < 0) return sendError(res, 400, 'ms: must be a whole number of milliseconds from 0 to 100000')
      target.setUnavailable(ms)
      return sendJson(res, 200, { unavailableMs: ms })
    }
    case 'cut': {
      const partial = halfFrame(hub)
      for (const connection of connections) connection.cutMidFrame(partial)
      return sendJson(res, 200, { cut: connections.length })
    }
    case 'inject': {
      const malformed = count(url, 'malformed', 0)
      const invalid = count(url, 'invalid', 0)
      if (malformed < 0) return sendError(res, 400, 'malformed: must be a whole number from 0 to 100000')
      if (invalid < 0) return sendError(res, 400, 'invalid: must be a whole number from 0 to 100000')
      const frames: string[] = []
      for (let i = 0; i < Math.max(malformed, invalid); i++) {
        if (i < malformed) frames.push(MALFORMED_FRAMES[i % MALFORMED_FRAMES.length]!)
        if (i < invalid) frames.push(INVALID_FRAMES[i % INVALID_FRAMES.length]!)
      }
      for (const connection of connections) for (const frame of frames) connection.sendControl(frame)
      return sendJson(res, 200, { connections: connections.length, frames: frames.length })
    }
    case 'recycle':
      registry.endAll('fault')
      return sendJson(res, 200, { ended: connections.length })
    default:
      return sendError(res, 404, `no fault ${action}: use state, unavailable, cut, inject or recycle`)
  }
}
