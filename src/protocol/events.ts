import * as s from './schema'
import { BuildSchema, Count, DeploymentSchema, IsoTime, NonEmpty, PullRequestSchema } from './entities'

export const HelloSchema = s.looseObject({
  connectionId: NonEmpty,
  serverVersion: s.string,
  heartbeatMs: s.check(Count, (n) => n >= 1, 'must be positive'),
  replayed: s.boolean,
})

export const SnapshotSchema = s.looseObject({
  builds: s.array(BuildSchema),
  pullRequests: s.array(PullRequestSchema),
  deployments: s.array(DeploymentSchema),
  serverTime: IsoTime,
})

export const HeartbeatSchema = s.looseObject({ serverTime: IsoTime })
export const ReconnectSchema = s.looseObject({ reason: s.string })

export const LogLinesSchema = s.check(s.array(s.string), (lines) => lines.length <= 10_000, 'has more than 10000 lines')

export const LogSchema = s.looseObject({
  buildId: NonEmpty,
  offset: Count,
  lines: LogLinesSchema,
})

// One schema per SSE `event:` name; the wire name is the key.
export const EVENT_SCHEMAS = {
  hello: HelloSchema,
  snapshot: SnapshotSchema,
  heartbeat: HeartbeatSchema,
  reconnect: ReconnectSchema,
  build: BuildSchema,
  pull_request: PullRequestSchema,
  deployment: DeploymentSchema,
  log: LogSchema,
} as const

export type EventType = keyof typeof EVENT_SCHEMAS
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[]
export const STATE_EVENT_TYPES = ['build', 'pull_request', 'deployment'] as const
export type StateEventType = (typeof STATE_EVENT_TYPES)[number]

export type Hello = s.Output<typeof HelloSchema>
export type Snapshot = s.Output<typeof SnapshotSchema>
export type Heartbeat = s.Output<typeof HeartbeatSchema>
export type Reconnect = s.Output<typeof ReconnectSchema>
export type LogChunk = s.Output<typeof LogSchema>

type Payloads = { [K in EventType]: s.Output<(typeof EVENT_SCHEMAS)[K]> }

/** A frame that passed its schema; `id` is the SSE id when the frame carried one. */
export type StreamEvent = { [K in EventType]: { type: K; data: Payloads[K]; id: string | null } }[EventType]
export type StateEvent = Extract<StreamEvent, { type: StateEventType }>
