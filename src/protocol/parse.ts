import * as v from 'valibot'
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

const SnapshotEnvelope = v.looseObject({
  ...SnapshotSchema.entries,
  builds: v.array(v.unknown()),
  pullRequests: v.array(v.unknown()),
  deployments: v.array(v.unknown()),
})

const SNAPSHOT_LISTS = [
  ['builds', 'build', BuildSchema],
  ['pullRequests', 'pull_request', PullRequestSchema],
  ['deployments', 'deployment', DeploymentSchema],
] as const

/**
 * A snapshot is checked entity by entity: one entity the page cannot read (a status value
 * added by the service, say) is left out and reported, instead of costing the whole board.
 */
function parseSnapshot(payload: unknown, id: string | null): ParseResult {
  const envelope = v.safeParse(SnapshotEnvelope, payload)
  if (!envelope.success)
    return { ok: false, kind: 'invalid', type: 'snapshot', reason: describeIssues(envelope.issues) }
  const data: Record<string, unknown> = { ...envelope.output }
  const dropped: Rejection[] = []
  for (const [list, type, schema] of SNAPSHOT_LISTS) {
    const kept: unknown[] = []
    envelope.output[list].forEach((item, index) => {
      const result = v.safeParse(schema, item)
      if (result.success) kept.push(result.output)
      else
        dropped.push({
          ok: false,
          kind: 'invalid',
          type,
          reason: `snapshot.${list}[${index}].${describeIssues(result.issues)}`,
        })
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
