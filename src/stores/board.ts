import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef, watch } from 'vue'
import type { Build, Deployment, PullRequest, Snapshot, StateEvent } from '../protocol'
import {
  applyBatch,
  emptyBoardState,
  PRUNE_INTERVAL_MS,
  stateFromSnapshot,
  type BoardState,
  type Retention,
} from '../domain/boardState'
import { useClockStore } from './clock'
import { createFrameScheduler } from './frameScheduler'

export { BACKSTOP_FLUSH_MS, FALLBACK_FLUSH_MS } from './frameScheduler'

/**
 * The board's entities. Events are buffered and applied by the pure reducer once per
 * animation frame; each map is a `shallowRef` replaced whole, holding frozen entities, so
 * a batch costs one reactive write per kind instead of deep-reactive writes per event.
 */
export const useBoardStore = defineStore('board', () => {
  const builds = shallowRef<ReadonlyMap<string, Build>>(new Map())
  const pullRequests = shallowRef<ReadonlyMap<string, PullRequest>>(new Map())
  const deployments = shallowRef<ReadonlyMap<string, Deployment>>(new Map())
  const lastEventId = ref<string | null>(null)
  const hydrated = ref(false)
  /** Events applied since the page started (for diagnostics and benches). */
  const appliedCount = ref(0)

  let state: BoardState = emptyBoardState()
  let queue: StateEvent[] = []
  const scheduler = createFrameScheduler(() => flush())
  const clock = useClockStore()
  /** Retention's rules, null until their chunk has loaded (see loadRetention). */
  let rules: Retention | null = null
  /** Undefined until first asked for; null after a failed load (asked again a prune interval later). */
  let rulesLoad: Promise<void> | null | undefined
  /** When the last load failed; never yet while -Infinity. */
  let loadFailedAt = Number.NEGATIVE_INFINITY

  /**
   * Loads retention's rules, once. The first paint prunes nothing, so they come in a chunk of
   * their own, asked for by the first batch (or the first tick with pull requests due to age
   * out); after a failed load, the clock asks again every prune interval. Until they arrive nothing is pruned
   * (each map stays under the reducer's UNPRUNED_CAP), and their arrival prunes what became due.
   */
  function loadRetention(): Promise<void> {
    return (rulesLoad ??= import('../domain/retention').then(
      (loaded) => {
        rules = loaded
        // Queued events flush soon, and prune with them.
        if (queue.length === 0) publish(applyBatch(state, [], clock.serverNow(), rules))
      },
      (error: unknown) => {
        rulesLoad = null
        // Logged once: a wall runs for days, and the retry below comes every prune interval.
        if (loadFailedAt === Number.NEGATIVE_INFINITY) console.error('radiator: pruning did not load', error)
        loadFailedAt = clock.now
      },
    ))
  }

  function publish(next: BoardState): void {
    if (next === state) return
    if (next.builds !== state.builds) builds.value = next.builds
    if (next.pullRequests !== state.pullRequests) pullRequests.value = next.pullRequests
    if (next.deployments !== state.deployments) deployments.value = next.deployments
    state = next
  }

  /** Applies every queued event now, in one replacement per changed kind. */
  function flush(): void {
    scheduler.cancel()
    if (queue.length === 0) return
    const events = queue
    queue = []
    publish(applyBatch(state, events, clock.serverNow(), rules))
    if (rulesLoad === undefined) void loadRetention()
    lastEventId.value = events[events.length - 1]!.id ?? lastEventId.value
    appliedCount.value += events.length
  }

  function push(event: StateEvent): void {
    queue.push(event)
    scheduler.schedule()
  }

  /** Buffers a state event; it is applied with the next flush. */
  function enqueue(event: StateEvent): void {
    push(event)
  }

  /** Buffers several state events, in order. */
  function enqueueAll(events: readonly StateEvent[]): void {
    for (const event of events) push(event)
  }

  /**
   * The hot path for the stream. Pinia wraps every store function as an action (so
   * `$onAction` can observe it), which allocates per call and would cost more than applying
   * the event; the stream buffers through this unwrapped function instead.
   */
  const ingest = markRaw({ enqueue: push })

  /**
   * Replaces the whole state at once. Queued events are older than the snapshot and are
   * discarded; events enqueued after it are applied on top at the next flush. The maps are
   * swapped in one write each, so the board never empties and no card blinks.
   */
  function applySnapshot(snapshot: Pick<Snapshot, 'builds' | 'pullRequests' | 'deployments'>, id: string | null): void {
    queue = []
    scheduler.cancel()
    const next = stateFromSnapshot(snapshot, clock.serverNow())
    builds.value = next.builds
    pullRequests.value = next.pullRequests
    deployments.value = next.deployments
    state = next
    lastEventId.value = id
    hydrated.value = true
  }

  // Merged and closed pull requests leave by age; on a quiet stream no batch would prune
  // them, so the page's one clock tick checks whether the prune interval has passed.
  watch(
    () => clock.now,
    (now) => {
      const due = queue.length === 0 && now - state.retention.prunedAt >= PRUNE_INTERVAL_MS
      if (rules) {
        if (due) publish(applyBatch(state, [], now, rules))
      } else if (
        (rulesLoad === null && now - loadFailedAt >= PRUNE_INTERVAL_MS) ||
        (rulesLoad === undefined && due && state.pullRequests.size > 0)
      ) {
        // Asked again a prune interval after a failed load; else asked here only by a board with
        // pull requests to age out and no batch yet (the first batch asks), not by the empty
        // board at start.
        void loadRetention()
      }
    },
  )

  /** The state as the reducer holds it (maps plus retention marks). */
  function current(): BoardState {
    return state
  }

  return {
    builds,
    pullRequests,
    deployments,
    lastEventId,
    hydrated,
    appliedCount,
    applySnapshot,
    enqueue,
    enqueueAll,
    ingest,
    flush,
    current,
    loadRetention,
  }
})
