import { http, HttpResponse, type RequestHandler } from 'msw'
import { validateIngest } from '../../src/protocol'
import { publishSimEvents, runDevCommand } from '../server/control'
import { parseFollowRequest } from '../server/follow'
import { STREAM_HEADERS } from './connection'
import type { MockSession } from './session'

// MSW routes of mock mode: the stub's API answered from the in-page session, with the same
// statuses and bodies. /api/stream is a plain handler returning a streamed body, not msw's
// sse(): that one fixes the response headers, re-encodes every frame per client and has no
// way to write raw bytes (a malformed frame), while the hub already holds each frame encoded.

const MAX_INGEST_BYTES = 1024 * 1024
const MAX_FOLLOW_BYTES = 16 * 1024

const error = (status: number, message: string, headers: Record<string, string> = {}) =>
  HttpResponse.json({ error: message }, { status, headers: { 'Cache-Control': 'no-store', ...headers } })

const noContent = () => new HttpResponse(null, { status: 204, headers: { 'Cache-Control': 'no-store' } })

function isJson(request: Request): boolean {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)
}

type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response }

async function readJson(request: Request, limit: number): Promise<JsonBody> {
  if (!isJson(request)) return { ok: false, response: error(415, 'Content-Type must be application/json') }
  const bytes = new Uint8Array(await request.arrayBuffer())
  if (bytes.byteLength > limit) return { ok: false, response: error(413, `body is larger than ${limit} bytes`) }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) as unknown }
  } catch {
    return { ok: false, response: error(400, '(root): body is not valid JSON') }
  }
}

/** The resume point: a non-empty Last-Event-ID header wins over the `lastEventId` query parameter. */
export function lastEventIdOf(request: Request): string | null {
  const header = request.headers.get('last-event-id')
  if (header) return header
  return new URL(request.url).searchParams.get('lastEventId')
}

export function createHandlers(session: MockSession): RequestHandler[] {
  return [
    http.get('*/api/stream', ({ request }) => {
      const connection = session.open(lastEventIdOf(request))
      // Aborted when the page closes the EventSource where msw can see it (Node); the stream's cancel covers the rest.
      request.signal.addEventListener('abort', () => connection.destroy(), { once: true })
      return new HttpResponse(connection.stream, { status: 200, headers: STREAM_HEADERS })
    }),

    http.get('*/api/health', () =>
      HttpResponse.json({
        status: 'ok',
        epoch: session.hub.epoch,
        head: session.hub.headId,
        connections: session.connectionCount(),
        mock: true,
        scenario: session.scenario,
      }),
    ),

    http.post('*/api/follow', async ({ request }) => {
      const body = await readJson(request, MAX_FOLLOW_BYTES)
      if (!body.ok) return body.response
      const parsed = parseFollowRequest(body.value, true)
      if (!parsed.ok) return error(400, parsed.error)
      const { connectionId, buildId, fromOffset } = parsed.value
      const connection = session.connections.get(connectionId)
      if (!connection) return error(404, `connectionId: no open stream with id ${connectionId}`)
      connection.follows.get(buildId)?.()
      // Backlog and watch in the same tick: no line appended in between can be lost or doubled.
      connection.sendBulk(session.hub.logBacklog(buildId, fromOffset))
      connection.follows.set(
        buildId,
        session.hub.watchLog(buildId, (frame) => connection.sendControl(frame)),
      )
      return noContent()
    }),

    http.delete('*/api/follow', async ({ request }) => {
      const params = new URL(request.url).searchParams
      let input: unknown
      if (params.has('connectionId') || params.has('buildId')) {
        input = { connectionId: params.get('connectionId'), buildId: params.get('buildId') }
      } else {
        const body = await readJson(request, MAX_FOLLOW_BYTES)
        if (!body.ok) return body.response
        input = body.value
      }
      const parsed = parseFollowRequest(input, false)
      if (!parsed.ok) return error(400, parsed.error)
      const connection = session.connections.get(parsed.value.connectionId)
      if (!connection) return error(404, `connectionId: no open stream with id ${parsed.value.connectionId}`)
      connection.follows.get(parsed.value.buildId)?.()
      connection.follows.delete(parsed.value.buildId)
      return noContent()
    }),

    http.post('*/api/events', async ({ request }) => {
      const body = await readJson(request, MAX_INGEST_BYTES)
      if (!body.ok) return body.response
      const result = validateIngest(body.value)
      if (!result.ok) return error(400, result.error)
      publishSimEvents(session.hub, result.items)
      return HttpResponse.json({ accepted: result.items.length, lastId: session.hub.headId }, { status: 202 })
    }),

    http.all('*/api/dev/:command', async ({ request, params }) => {
      let input: unknown
      if (request.method === 'POST' && (request.headers.get('content-length') ?? '') !== '0') {
        const text = await request.text()
        if (text !== '') {
          if (!isJson(request)) return error(415, 'Content-Type must be application/json')
          try {
            input = JSON.parse(text)
          } catch {
            return error(400, '(root): body is not valid JSON')
          }
        }
      }
      const { status, body } = runDevCommand(session, String(params.command), request.method, input)
      return HttpResponse.json(body as Record<string, unknown>, { status, headers: { 'Cache-Control': 'no-store' } })
    }),
  ]
}
