import { retainBuilds, retainDeployments, retainPullRequests } from '../../src/domain/retention'
import { isOlder } from '../../src/domain/reducer'
import {
  formatEventId,
  parseEventId,
  type Build,
  type Deployment,
  type PullRequest,
  type StateEventType,
} from '../../src/protocol'
import type { SimState } from '../scenario/types'
import { Deque } from './deque'
import { encodeFrame, type FrameFields } from './frames'
import { DEFAULT_LOG_OPTIONS, LogStore, type LogListener, type LogStoreOptions } from './logStore'

// The event hub: ids, state, replay buffer and subscribers. No node: imports, so MSW in
// the browser can drive the same hub the Node stub does.

export interface HubOptions {
  replayWindowMs: number
  replayMaxEvents: number
  now?: () => number
  /** Fixed epoch (tests); random per hub otherwise. */
  epoch?: string
  /** Frame encoder, injectable so tests can count encodes. */
  encode?: (fields: FrameFields) => string
  logs?: Partial<LogStoreOptions>
  /** Retention runs at most this often (ms), and after this many publishes at the latest. */
  pruneEveryMs?: number
  pruneEveryPublishes?: number
}

export type StateEntity<T extends StateEventType> = T extends 'build'
  ? Build
  : T extends 'pull_request'
    ? PullRequest
    : Deployment

export interface HubSubscriber {
  /** Called synchronously inside publish, with the shared frame string. */
  onState(seq: number, frame: string): void
}

export interface Snapshot {
  id: string
  seq: number
  frame: string
}

export interface ResumePoint {
  /** The seq the client already has; the next owed is afterSeq + 1. */
  afterSeq: number
  /** Every buffered frame after it, in order (empty when resuming from the head). */
  frames: string[]
}

interface Buffered {
  seq: number
  at: number
  frame: string
}

const FINISHED_BUILD = new Set(['passed', 'failed', 'canceled'])

export function randomEpoch(): string {
  const bytes = new Uint8Array(6)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('')
}

export class EventHub {
  readonly epoch: string
  readonly logs: LogStore
  private seq = 0
  private readonly builds = new Map<string, Build>()
  private readonly pullRequests = new Map<string, PullRequest>()
  private readonly deployments = new Map<string, Deployment>()
  private readonly buffer = new Deque<Buffered>()
  private readonly subscribers = new Set<HubSubscriber>()
  private readonly now: () => number
  private readonly encode: (fields: FrameFields) => string
  private lastPrune: number
  private publishesSincePrune = 0
  private snapshotCache: Snapshot | null = null
  private snapshotCachedAt = 0

  constructor(private readonly options: HubOptions) {
    this.now = options.now ?? Date.now
    this.encode = options.encode ?? encodeFrame
    this.epoch = options.epoch ?? randomEpoch()
    this.logs = new LogStore({ ...DEFAULT_LOG_OPTIONS, ...options.logs }, this.now)
    this.lastPrune = this.now()
  }

  /** The seq of the newest state event; 0 before the first. */
  get head(): number {
    return this.seq
  }

  get headId(): string {
    return formatEventId({ epoch: this.epoch, seq: this.seq })
  }

  get subscriberCount(): number {
    return this.subscribers.size
  }

  get bufferedCount(): number {
    this.evictExpired()
    return this.buffer.length
  }

  /** Sets the starting state without ids (before any client connects). */
  seed(state: SimState): void {
    for (const b of state.builds) this.builds.set(b.id, b)
    for (const p of state.pullRequests) this.pullRequests.set(p.id, p)
    for (const d of state.deployments) this.deployments.set(d.id, d)
    this.snapshotCache = null
  }

  /** Applies one state event, gives it the next id, encodes it once and fans it out. Returns the id. */
  publish<T extends StateEventType>(type: T, entity: StateEntity<T>): string {
    this.apply(type, entity)
    const seq = ++this.seq
    const id = formatEventId({ epoch: this.epoch, seq })
    const frame = this.encode({ id, event: type, data: JSON.stringify(entity) })
    const at = this.now()
    this.buffer.push({ seq, at, frame })
    if (this.buffer.length > this.options.replayMaxEvents)
      this.buffer.drop(this.buffer.length - this.options.replayMaxEvents)
    this.evictExpired(at)
    this.snapshotCache = null
    if (
      ++this.publishesSincePrune >= (this.options.pruneEveryPublishes ?? 5000) ||
      at - this.lastPrune >= (this.options.pruneEveryMs ?? 1000)
    ) {
      this.prune()
    }
    for (const subscriber of this.subscribers) subscriber.onState(seq, frame)
    return id
  }

  subscribe(subscriber: HubSubscriber): () => void {
    this.subscribers.add(subscriber)
    return () => {
      this.subscribers.delete(subscriber)
    }
  }

  /** The snapshot frame of the current state, id = head. Cached until the next publish (or 1 s, for serverTime). */
  snapshot(): Snapshot {
    const now = this.now()
    if (this.snapshotCache && this.snapshotCache.seq === this.seq && now - this.snapshotCachedAt < 1000) {
      return this.snapshotCache
    }
    const id = this.headId
    const data = {
      builds: [...this.builds.values()],
      pullRequests: [...this.pullRequests.values()],
      deployments: [...this.deployments.values()],
      serverTime: new Date(now).toISOString(),
    }
    this.snapshotCache = {
      id,
      seq: this.seq,
      frame: this.encode({ id, event: 'snapshot', data: JSON.stringify(data) }),
    }
    this.snapshotCachedAt = now
    return this.snapshotCache
  }

  /**
   * Where a client that last saw `lastEventId` can resume, or null when it needs a snapshot:
   * same epoch, and either the head itself or no older than the oldest buffered event's predecessor.
   */
  resume(lastEventId: string | null | undefined): ResumePoint | null {
    const id = parseEventId(lastEventId)
    if (!id || id.epoch !== this.epoch || id.seq > this.seq) return null
    if (id.seq === this.seq) return { afterSeq: id.seq, frames: [] }
    this.evictExpired()
    const oldest = this.buffer.first()
    if (!oldest || id.seq < oldest.seq - 1) return null
    return { afterSeq: id.seq, frames: this.buffer.slice(id.seq + 1 - oldest.seq).map((b) => b.frame) }
  }

  /** The buffered frame of `seq`, or null when it was evicted (or does not exist yet). */
  frameAt(seq: number): string | null {
    const oldest = this.buffer.first()
    if (!oldest) return null
    return this.buffer.at(seq - oldest.seq)?.frame ?? null
  }

  /** The current state, as a snapshot would carry it. */
  state(): SimState {
    return {
      builds: [...this.builds.values()],
      pullRequests: [...this.pullRequests.values()],
      deployments: [...this.deployments.values()],
    }
  }

  appendLog(buildId: string, lines: readonly string[]): void {
    this.logs.append(buildId, lines)
  }

  logBacklog(buildId: string, fromOffset = 0): string[] {
    return this.logs.backlog(buildId, fromOffset)
  }

  watchLog(buildId: string, listener: LogListener): () => void {
    return this.logs.watch(buildId, listener)
  }

  /** Applies the shared retention policy to the state and drops stale logs. */
  prune(): void {
    const now = this.now()
    this.lastPrune = now
    this.publishesSincePrune = 0
    replaceAll(this.builds, retainBuilds(this.builds.values()))
    replaceAll(this.pullRequests, retainPullRequests(this.pullRequests.values(), now))
    replaceAll(this.deployments, retainDeployments(this.deployments.values()))
    this.logs.prune()
    this.snapshotCache = null
  }

  private apply(type: StateEventType, entity: Build | PullRequest | Deployment): void {
    // The page ignores an update older than what it holds (src/domain/reducer.ts); the
    // snapshot must do the same, or walls loaded later would disagree with walls already open.
    const held = (type === 'build' ? this.builds : type === 'pull_request' ? this.pullRequests : this.deployments).get(
      entity.id,
    )
    if (held && isOlder(entity.updatedAt, held.updatedAt)) return
    if (type === 'build') {
      const build = entity as Build
      this.builds.set(build.id, build)
      this.logs.markFinished(build.id, FINISHED_BUILD.has(build.status))
    } else if (type === 'pull_request') {
      this.pullRequests.set(entity.id, entity as PullRequest)
    } else {
      this.deployments.set(entity.id, entity as Deployment)
    }
  }

  private evictExpired(now = this.now()): void {
    const cutoff = now - this.options.replayWindowMs
    let expired = 0
    for (let entry = this.buffer.at(0); entry && entry.at < cutoff; entry = this.buffer.at(expired)) expired++
    if (expired > 0) this.buffer.drop(expired)
  }
}

function replaceAll<T extends { id: string }>(map: Map<string, T>, kept: T[]): void {
  if (kept.length === map.size) return
  map.clear()
  for (const item of kept) map.set(item.id, item)
}
