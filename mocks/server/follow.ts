import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventHub } from './hub'
import { isJsonContentType, readBody, rejectTooLarge, sendError, sendNoContent } from './http'
import type { ConnectionRegistry } from './sse'

// POST/DELETE /api/follow: a connection asks for one build's log over its own stream.

const MAX_FOLLOW_BODY = 16 * 1024

interface FollowRequest {
  connectionId: string
  buildId: string
  fromOffset: number
}

type Parsed = { ok: true; value: FollowRequest } | { ok: false; error: string }

export function parseFollowRequest(input: unknown, withOffset: boolean): Parsed {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: '(root): must be a JSON object' }
  }
  const body = input as Record<string, unknown>
  for (const field of ['connectionId', 'buildId'] as const) {
    const value = body[field]
    if (typeof value !== 'string' || value === '') return { ok: false, error: `${field}: must be a non-empty string` }
  }
  let fromOffset = 0
  if (withOffset && body.fromOffset !== undefined && body.fromOffset !== null) {
    const value = body.fromOffset
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      return { ok: false, error: 'fromOffset: must be a whole number, 0 or more' }
    }
    fromOffset = value
  }
  return { ok: true, value: { connectionId: body.connectionId as string, buildId: body.buildId as string, fromOffset } }
}

async function readFollowBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  if (!isJsonContentType(req)) {
    sendError(res, 415, 'Content-Type must be application/json')
    return undefined
  }
  const body = await readBody(req, MAX_FOLLOW_BODY)
  if (!body.ok) {
    if (body.status === 413) rejectTooLarge(req, res, body.error)
    else sendError(res, body.status, body.error)
    return undefined
  }
  try {
    return JSON.parse(body.text) as unknown
  } catch {
    sendError(res, 400, '(root): body is not valid JSON')
    return undefined
  }
}

export async function handleFollow(
  req: IncomingMessage,
  res: ServerResponse,
  hub: EventHub,
  registry: ConnectionRegistry,
) {
  const input = await readFollowBody(req, res)
  if (input === undefined) return
  const parsed = parseFollowRequest(input, true)
  if (!parsed.ok) return sendError(res, 400, parsed.error)
  const { connectionId, buildId, fromOffset } = parsed.value
  const connection = registry.get(connectionId)
  if (!connection) return sendError(res, 404, `connectionId: no open stream with id ${connectionId}`)
  connection.follows.get(buildId)?.()
  sendNoContent(res)
  // Backlog and watch in the same tick: no line appended in between can be lost or doubled.
  connection.sendBulk(hub.logBacklog(buildId, fromOffset))
  connection.follows.set(
    buildId,
    hub.watchLog(buildId, (frame) => connection.sendControl(frame)),
  )
}

export async function handleUnfollow(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  registry: ConnectionRegistry,
) {
  let input: unknown
  if (url.searchParams.has('connectionId') || url.searchParams.has('buildId')) {
    input = { connectionId: url.searchParams.get('connectionId'), buildId: url.searchParams.get('buildId') }
  } else {
    input = await readFollowBody(req, res)
    if (input === undefined) return
  }
  const parsed = parseFollowRequest(input, false)
  if (!parsed.ok) return sendError(res, 400, parsed.error)
  const { connectionId, buildId } = parsed.value
  const connection = registry.get(connectionId)
  if (!connection) return sendError(res, 404, `connectionId: no open stream with id ${connectionId}`)
  connection.follows.get(buildId)?.()
  connection.follows.delete(buildId)
  sendNoContent(res)
}
