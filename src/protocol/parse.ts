import * as v from 'valibot'
import { EVENT_SCHEMAS, type EventType, type StreamEvent } from './events'

export type RejectKind = 'unknown_event' | 'bad_json' | 'invalid'

export interface Rejection {
  ok: false
  kind: RejectKind
  type: string
  /** Human-readable, names the field: `commit.sha: Invalid type: Expected string but received 42` */
  reason: string
}

export type ParseResult = { ok: true; event: StreamEvent } | Rejection

/** Formats valibot issues as `path: message`, the shape the ingest's 400 answers use too. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0]
  if (!first) return 'invalid'
  const path = v.getDotPath(first) ?? '(root)'
  return `${path}: ${first.message}`
}

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMAS, type)
}

/** Checks an already decoded payload against the schema for `type`. Never throws. */
export function parsePayload(type: string, payload: unknown, id: string | null = null): ParseResult {
  if (!isEventType(type)) return { ok: false, kind: 'unknown_event', type, reason: `unknown event type "${type}"` }
  const result = v.safeParse(EVENT_SCHEMAS[type], payload)
  if (!result.success) return { ok: false, kind: 'invalid', type, reason: describeIssues(result.issues) }
  return { ok: true, event: { type, data: result.output, id } as StreamEvent }
}

/** Parses one SSE frame (its event name, data text and id). Never throws. */
export function parseFrame(type: string, data: string, id: string | null = null): ParseResult {
  let payload: unknown
  try {
    payload = JSON.parse(data)
  } catch {
    return { ok: false, kind: 'bad_json', type, reason: 'data is not valid JSON' }
  }
  return parsePayload(type, payload, id)
}
