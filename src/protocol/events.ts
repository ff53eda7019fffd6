import * as v from 'valibot'
import { BuildSchema, DeploymentSchema, IsoTime, PullRequestSchema } from './entities'

const Count = v.pipe(v.number(), v.integer('must be an integer'), v.minValue(0, 'must not be negative'))

export const HelloSchema = v.looseObject({
  connectionId: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  serverVersion: v.string(),
  heartbeatMs: v.pipe(Count, v.minValue(1, 'must be positive')),
  replayed: v.boolean(),
})

export const SnapshotSchema = v.looseObject({
  builds: v.array(BuildSchema),
  pullRequests: v.array(PullRequestSchema),
  deployments: v.array(DeploymentSchema),
  serverTime: IsoTime,
})

export const HeartbeatSchema = v.looseObject({ serverTime: IsoTime })
export const ReconnectSchema = v.looseObject({ reason: v.string() })

export const LogLinesSchema = v.pipe(v.array(v.string()), v.maxLength(10_000, 'has more than 10000 lines'))

export const LogSchema = v.looseObject({
  buildId: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
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

export type Hello = v.InferOutput<typeof HelloSchema>
export type Snapshot = v.InferOutput<typeof SnapshotSchema>
export type Heartbeat = v.InferOutput<typeof HeartbeatSchema>
export type Reconnect = v.InferOutput<typeof ReconnectSchema>
export type LogChunk = v.InferOutput<typeof LogSchema>

type Payloads = { [K in EventType]: v.InferOutput<(typeof EVENT_SCHEMAS)[K]> }

/** A frame that passed its schema; `id` is the SSE id when the frame carried one. */
export type StreamEvent = { [K in EventType]: { type: K; data: Payloads[K]; id: string | null } }[EventType]
export type StateEvent = Extract<StreamEvent, { type: StateEventType }>
