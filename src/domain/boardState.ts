import type { Build, Deployment, PullRequest, Snapshot, StateEvent } from '../protocol'
import type * as Rules from './retention'

// The board's state and the reducer over it. Retention's rules are a parameter, not an import:
// the page's store loads them in a chunk of their own after the first batches (they are not
// needed for the first paint), and `reducer.ts` binds them for the stub and the tests.

/** What pruning needs: retention.ts's three rules. */
export type Retention = Pick<typeof Rules, 'retainBuilds' | 'retainPullRequests' | 'retainDeployments'>

export interface BoardState {
  readonly builds: ReadonlyMap<string, Build>
  readonly pullRequests: ReadonlyMap<string, PullRequest>
  readonly deployments: ReadonlyMap<string, Deployment>
  /** Bookkeeping for retention; see `applyBatch`. Not part of what the board shows. */
  readonly retention: RetentionMarks
}

/** Map sizes right after the last prune, and when pull requests were last pruned (ms). */
export interface RetentionMarks {
  readonly builds: number
  readonly pullRequests: number
  readonly deployments: number
  readonly prunedAt: number
}

/**
 * When retention runs. Retention sorts whole maps, so it must not run per event: builds
 * and pull requests are pruned only once a map has grown by `PRUNE_GROWTH_RATIO` (at least
 * `PRUNE_GROWTH_MIN` entries) since the last prune, which keeps the cost amortised O(1) per
 * event; pull requests are also pruned every `PRUNE_INTERVAL_MS`, because merged and closed ones
 * leave by age, not by count. Deployments are pruned whenever a batch adds a new id:
 * new deployments are rare and the map is small, and the grid then never holds a
 * superseded deployment for a service and environment.
 */
export const PRUNE_GROWTH_RATIO = 0.25
export const PRUNE_GROWTH_MIN = 64
export const PRUNE_INTERVAL_MS = 10_000

type Entity = Build | PullRequest | Deployment

export function emptyBoardState(now = 0): BoardState {
  return {
    builds: new Map(),
    pullRequests: new Map(),
    deployments: new Map(),
    retention: { builds: 0, pullRequests: 0, deployments: 0, prunedAt: now },
  }
}

function freezeValue(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return
  Object.freeze(value)
  if (Array.isArray(value)) for (const item of value) freezeValue(item)
}

/**
 * Freezes an entity and the objects and arrays it holds directly (commit, reviewers and
 * their entries, blocks), so a component can never mutate shared state. Already frozen
 * entities cost one check, which makes freezing at ingest idempotent. The check is
 * `isExtensible`, a flag V8 reads off the object's shape, where `isFrozen` would inspect
 * every property: entities arrive extensible (decoded JSON, the schema's output), so one that
 * is not was frozen here before.
 */
export function freezeEntity<T extends object>(entity: T): T {
  if (!Object.isExtensible(entity)) return entity
  Object.freeze(entity)
  for (const key in entity) freezeValue(entity[key])
  return entity
}

/**
 * True when `incoming` is older than `held`. ISO times of equal length in the protocol's
 * UTC form compare correctly as strings, which avoids parsing dates per event; other
 * pairs are parsed.
 */
export function isOlder(incoming: string, held: string): boolean {
  if (incoming.length === held.length) return incoming < held
  return Date.parse(incoming) < Date.parse(held)
}

function indexById<T extends Entity>(list: readonly T[]): Map<string, T> {
  const map = new Map<string, T>()
  for (const entity of list) {
    const held = map.get(entity.id)
    if (held && isOlder(entity.updatedAt, held.updatedAt)) continue
    map.set(entity.id, freezeEntity(entity))
  }
  return map
}

/**
 * The state a snapshot describes, wholly: entities the server no longer knows are gone.
 * The snapshot is taken as the server retained it; `now` starts the prune interval.
 */
export function stateFromSnapshot(
  snapshot: Pick<Snapshot, 'builds' | 'pullRequests' | 'deployments'>,
  now = 0,
): BoardState {
  const builds = indexById<Build>(snapshot.builds)
  const pullRequests = indexById<PullRequest>(snapshot.pullRequests)
  const deployments = indexById<Deployment>(snapshot.deployments)
  return {
    builds,
    pullRequests,
    deployments,
    retention: {
      builds: builds.size,
      pullRequests: pullRequests.size,
      deployments: deployments.size,
      prunedAt: now,
    },
  }
}

export function byId<T extends Entity>(list: readonly T[]): Map<string, T> {
  const map = new Map<string, T>()
  for (const entity of list) map.set(entity.id, entity)
  return map
}

function outgrown(size: number, mark: number): boolean {
  return size > mark + Math.max(PRUNE_GROWTH_MIN, mark * PRUNE_GROWTH_RATIO)
}

/** `new Map(source)` goes through the iterator protocol, an entry array per entry: about 3x slower. */
function copyMap<T>(source: ReadonlyMap<string, T>): Map<string, T> {
  const copy = new Map<string, T>()
  source.forEach((value, key) => copy.set(key, value))
  return copy
}

/**
 * While the rules have not arrived (a chunk that does not load), no map may grow past this:
 * the entries held longest give way, so a page running without them stays bounded. With the
 * rules, a map never comes near it.
 */
export const UNPRUNED_CAP = 10_000

function capped<T>(map: Map<string, T> | null): Map<string, T> | null {
  if (map) {
    for (const key of map.keys()) {
      if (map.size <= UNPRUNED_CAP) break
      map.delete(key)
    }
  }
  return map
}

/**
 * Upserts state events by id and returns a new state whose maps are new only for the kinds
 * that changed (same references otherwise, so unchanged columns do not re-render). An event
 * older (by `updatedAt`) than the entity held under its id is ignored, so a late replay never
 * moves the board backwards; an equal one is re-applied, which is harmless. Per event the
 * work is one lookup, one freeze check and one `Map.set`; maps are copied once per batch.
 *
 * Without `rules` nothing is pruned and the marks stay as they were, so the first batch with
 * them prunes whatever became due in the meantime (with no events, it does only that).
 */
export function applyBatch(
  state: BoardState,
  events: readonly StateEvent[],
  now: number,
  rules: Retention | null,
): BoardState {
  let builds: Map<string, Build> | null = null
  let pullRequests: Map<string, PullRequest> | null = null
  let deployments: Map<string, Deployment> | null = null
  // One branch per kind, each written out rather than shared through a helper, so that each
  // property access keeps feedback for one kind's entity shapes instead of all three.
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (event.type === 'build') {
      const build = event.data
      const held = (builds ?? state.builds).get(build.id)
      if (held === build || (held !== undefined && isOlder(build.updatedAt, held.updatedAt))) continue
      ;(builds ??= copyMap(state.builds)).set(build.id, freezeEntity(build))
    } else if (event.type === 'pull_request') {
      const pr = event.data
      const held = (pullRequests ?? state.pullRequests).get(pr.id)
      if (held === pr || (held !== undefined && isOlder(pr.updatedAt, held.updatedAt))) continue
      ;(pullRequests ??= copyMap(state.pullRequests)).set(pr.id, freezeEntity(pr))
    } else {
      const deployment = event.data
      const held = (deployments ?? state.deployments).get(deployment.id)
      if (held === deployment || (held !== undefined && isOlder(deployment.updatedAt, held.updatedAt))) continue
      ;(deployments ??= copyMap(state.deployments)).set(deployment.id, freezeEntity(deployment))
    }
  }

  let marks = state.retention
  if (!rules) {
    builds = capped(builds)
    pullRequests = capped(pullRequests)
    deployments = capped(deployments)
  } else {
    const allBuilds = builds ?? state.builds
    if (outgrown(allBuilds.size, marks.builds)) {
      builds = byId(rules.retainBuilds(allBuilds.values()))
      marks = { ...marks, builds: builds.size }
    }
    const prsDue = now - marks.prunedAt >= PRUNE_INTERVAL_MS
    const prs = pullRequests ?? state.pullRequests
    if (prsDue || outgrown(prs.size, marks.pullRequests)) {
      const kept = rules.retainPullRequests(prs.values(), now)
      if (kept.length !== prs.size) pullRequests = byId(kept)
      marks = { ...marks, pullRequests: kept.length, prunedAt: now }
    }
    // A new deployment id is what makes the map outgrow its mark.
    const allDeployments = deployments ?? state.deployments
    if (allDeployments.size > marks.deployments) {
      deployments = byId(rules.retainDeployments(allDeployments.values()))
      marks = { ...marks, deployments: deployments.size }
    }
  }

  if (!builds && !pullRequests && !deployments && marks === state.retention) return state
  return {
    builds: builds ?? state.builds,
    pullRequests: pullRequests ?? state.pullRequests,
    deployments: deployments ?? state.deployments,
    retention: marks,
  }
}
