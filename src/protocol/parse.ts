import * as s from './schema'
import { BuildSchema, DeploymentSchema, PullRequestSchema } from './entities'
import { EVENT_SCHEMAS, SnapshotSchema, type EventType, type Snapshot, type StreamEvent } from './events'

export type RejectKind = 'unknown_event' | 'bad_json' | 'invalid'

export interface Rejection {
  ok: false
  kind: RejectKind
  type: string
  /** Human-readable, names the field: `commit.sha: Invalid type: Expected string but received 42` */
  reason: string
}

/** `dropped`: entities of a snapshot that failed their schema and were left out of it. */
export type ParseResult = { ok: true; event: StreamEvent; dropped?: Rejection[] } | Rejection

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type)
}

const SnapshotEnvelope = s.looseObject({
  ...SnapshotSchema.shape,
  builds: s.array(s.unknown),
  pullRequests: s.array(s.unknown),
  deployments: s.array(s.unknown),
})

const SNAPSHOT_LISTS = [
  ['builds', 'build', BuildSchema],
  ['pullRequests', 'pull_request', PullRequestSchema],
  ['deployments', 'deployment', DeploymentSchema],
] as const

const invalid = (type: string, reason: string): Rejection => ({ ok: false, kind: 'invalid', type, reason })

/**
 * A snapshot is checked entity by entity: one entity the page cannot read (a status value
 * added by the service, say) is left out and reported, instead of costing the whole board.
 */
function parseSnapshot(payload: unknown, id: string | null): ParseResult {
  const envelope = s.parse(SnapshotEnvelope, payload)
  if (!envelope.ok) return invalid('snapshot', s.describeIssue(envelope.issue))
  const data: Record<string, unknown> = { ...envelope.value }
  const dropped: Rejection[] = []
  for (const [list, type, schema] of SNAPSHOT_LISTS) {
    const kept: unknown[] = []
    envelope.value[list].forEach((item, index) => {
      const result = s.parse(schema, item)
      if (result.ok) kept.push(result.value)
      else dropped.push(invalid(type, `snapshot.${list}[${index}].${s.describeIssue(result.issue)}`))
    })
    data[list] = kept
  }
  const event = { type: 'snapshot', data: data as Snapshot, id } as StreamEvent
  return dropped.length ? { ok: true, event, dropped } : { ok: true, event }
}

/** Checks an already decoded payload against the schema for `type`. Never throws. */
export function parsePayload(type: string, payload: unknown, id: string | null = null): ParseResult {
  if (!isEventType(type)) return { ok: false, kind: 'unknown_event', type, reason: `unknown event type "${type}"` }
  if (type === 'snapshot') return parseSnapshot(payload, id)
  const result = s.parse(EVENT_SCHEMAS[type], payload)
  if (!result.ok) return invalid(type, s.describeIssue(result.issue))
  return { ok: true, event: { type, data: result.value, id } as StreamEvent }
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
