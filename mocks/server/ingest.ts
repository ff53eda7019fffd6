import { timingSafeEqual, createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { validateIngest, type IngestItem } from '../../src/protocol'
import type { EventHub } from './hub'
import { isJsonContentType, readBody, rejectTooLarge, sendError, sendJson } from './http'

// POST /api/events: pushed events (CI webhooks, scripts). All or nothing: one bad item
// rejects the request and changes nothing.

export const MAX_INGEST_BYTES = 1024 * 1024

/** Compares digests so neither the token's content nor its length leaks through timing. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '')
  if (!match) return false
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(match[1]!), digest(token))
}

/**
 * Applies items in order. Consecutive `log` items for one build are appended as one run, so
 * a script posting a line per item reaches followers as a few `log` events of up to 500
 * lines, not one event per line (same offsets, same lines; far less work for every page).
 */
export function applyIngest(hub: EventHub, items: readonly IngestItem[]): void {
  let logBuildId: string | null = null
  let logLines: string[] = []
  const appendRun = () => {
    if (logBuildId !== null) hub.appendLog(logBuildId, logLines)
    logBuildId = null
    logLines = []
  }
  for (const item of items) {
    if (item.type === 'log') {
      if (item.data.buildId !== logBuildId) appendRun()
      logBuildId = item.data.buildId
      for (const line of item.data.lines) logLines.push(line)
      continue
    }
    appendRun()
    if (item.type === 'build') hub.publish('build', item.data)
    else if (item.type === 'pull_request') hub.publish('pull_request', item.data)
    else hub.publish('deployment', item.data)
  }
  appendRun()
}

export async function handleIngest(req: IncomingMessage, res: ServerResponse, hub: EventHub, token: string | null) {
  if (token !== null && !tokenMatches(req.headers.authorization, token)) {
    return sendError(res, 401, 'Authorization: a valid Bearer token is required', { 'WWW-Authenticate': 'Bearer' })
  }
  if (!isJsonContentType(req)) return sendError(res, 415, 'Content-Type must be application/json')
  const body = await readBody(req, MAX_INGEST_BYTES)
  if (!body.ok) {
    if (body.status === 413) return rejectTooLarge(req, res, body.error)
    return sendError(res, body.status, body.error)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(body.text)
  } catch {
    return sendError(res, 400, '(root): body is not valid JSON')
  }
  const result = validateIngest(parsed)
  if (!result.ok) return sendError(res, 400, result.error)
  applyIngest(hub, result.items)
  sendJson(res, 202, { accepted: result.items.length, lastId: hub.headId })
}
