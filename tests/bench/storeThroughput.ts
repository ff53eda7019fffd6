import { createPinia, setActivePinia } from 'pinia'
import { computed, reactive } from 'vue'
import { freezeEntity } from '../../src/domain/reducer'
import { parseFrame, type StateEvent } from '../../src/protocol'
import { useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { generatePool, SIM_START, type EventPool } from './lib/eventPool'
import { metric, type Bench } from './lib/metrics'

// Store throughput in Node: events applied per second through the store's hot path
// (ingest.enqueue, one flush per "frame" of events), and the same with parsing (JSON plus
// schema) in front of it, for the simulator's realistic mix. Deep-reactive writes per
// event are measured beside it, as the design says they would be about 40 times slower.
//
// Rates are per second of wall time. The apply rate is also given per second of this
// process's CPU time (all its threads: V8's GC helpers make it lower than the wall rate on
// an idle machine, higher on a machine busy with other work). Each timed run starts on a
// settled heap (see settledHeap), so neither figure pays for the previous run's garbage.

/** Events per flush: one animation frame's worth at 60 frames/s and 60,000 events/s. */
export const FRAME_BATCH = 1000
/** One frame's worth at 6,000 events/s, about the page's 5,000 events/s burst. */
export const SMALL_BATCH = 100

export interface Rate {
  wall: number
  cpu: number
}

function timed(count: number, work: () => void): Rate {
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  work()
  const wallSeconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return { wall: count / wallSeconds, cpu: count / ((cpu.user + cpu.system) / 1e6) }
}

function freshStore(pool: EventPool) {
  setActivePinia(createPinia())
  const board = useBoardStore()
  // The page's clock follows the server's time (connect.ts syncs it from hello and heartbeats),
  // and so do the runs below (see `flushTimes`).
  useClockStore().syncServerTime(new Date(SIM_START).toISOString())
  // Decoded as the stream decodes a snapshot frame (which also carries the server's time).
  const frame = JSON.stringify({ ...JSON.parse(pool.snapshotJson), serverTime: new Date(SIM_START).toISOString() })
  const result = parseFrame('snapshot', frame, 'bench-0')
  if (!result.ok || result.event.type !== 'snapshot') throw new Error(result.ok ? 'not a snapshot' : result.reason)
  board.applySnapshot(result.event.data, 'bench-0')
  return board
}

/**
 * The server's time at each flush: the newest `updatedAt` of the batch, as on a live page, where
 * events are current and heartbeats keep the clock on the server's. Left on today's date, every
 * merged or closed PR of the simulated day would go at the first prune instead of staying its
 * 60 s; left at the pool's start, none would ever go: either way the maps would not be the page's.
 */
function flushTimes(pool: EventPool, batch: number): string[] {
  const times: string[] = []
  let newest = ''
  pool.events.forEach((frame, i) => {
    const updatedAt = (JSON.parse(frame.data) as { updatedAt: string }).updatedAt
    if (updatedAt > newest) newest = updatedAt
    if ((i + 1) % batch === 0 || i === pool.events.length - 1) times.push(newest)
  })
  return times
}

/** Decoded and frozen as the stream client hands events to the store (src/stream/eventSource.ts). */
function ingestedEvents(pool: EventPool): StateEvent[] {
  return pool.events.map((frame) => {
    const result = parseFrame(frame.type, frame.data, frame.id)
    if (!result.ok) throw new Error(result.reason)
    freezeEntity(result.event.data)
    return result.event as StateEvent
  })
}

/** Decoded only, for the deep-reactive counter-example, which writes into held entities. */
function decodedEvents(pool: EventPool): StateEvent[] {
  return pool.events.map((e) => ({ type: e.type, data: JSON.parse(e.data), id: e.id }) as StateEvent)
}

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.()

const IDLE_PROBE_MS = 10
/** CPU the process may use in an idle probe: timers and the like, no collector thread at work. */
const IDLE_CPU_US = 1000

/**
 * A forced GC, then a wait until the process is idle. The collector sweeps the freed heap on
 * background threads after the GC returns; on this heap (the pool, the previous runs' garbage)
 * that is tens of ms of CPU, which would otherwise land inside the next timed run: on the
 * CPU figure (all threads count) and, on a busy 2-core machine, on the wall figure too.
 */
async function settledHeap(): Promise<void> {
  collectGarbage()
  for (let probe = 0; probe < 100; probe++) {
    const before = process.cpuUsage()
    await new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS))
    const used = process.cpuUsage(before)
    if (used.user + used.system < IDLE_CPU_US) return
  }
}

/**
 * Store only: events decoded and frozen, as the stream client hands them over (it freezes at
 * ingest, see src/stream/eventSource.ts), through ingest.enqueue and one flush per batch.
 */
export async function applyRate(pool: EventPool, batch: number): Promise<Rate> {
  const board = freshStore(pool)
  // The page loads retention's rules after its first batch: here they are in before the clock starts.
  await board.loadRetention()
  const clock = useClockStore()
  const events = ingestedEvents(pool)
  const times = flushTimes(pool, batch)
  await settledHeap()
  const { enqueue } = board.ingest
  let flushes = 0
  const rate = timed(events.length, () => {
    for (let i = 0; i < events.length; i++) {
      enqueue(events[i]!)
      if ((i + 1) % batch === 0) {
        clock.syncServerTime(times[flushes++]!)
        board.flush()
      }
    }
    clock.syncServerTime(times[times.length - 1]!)
    board.flush()
  })
  if (board.appliedCount !== events.length) throw new Error(`applied ${board.appliedCount} of ${events.length}`)
  return rate
}

/** Parse (JSON + schema), freeze and apply: the page's whole per-event path after the EventSource. */
export async function parseAndApplyRate(pool: EventPool, batch: number): Promise<Rate> {
  const board = freshStore(pool)
  // The page loads retention's rules after its first batch: here they are in before the clock starts.
  await board.loadRetention()
  const clock = useClockStore()
  const { enqueue } = board.ingest
  const times = flushTimes(pool, batch)
  await settledHeap()
  let flushes = 0
  return timed(pool.events.length, () => {
    for (let i = 0; i < pool.events.length; i++) {
      const frame = pool.events[i]!
      const result = parseFrame(frame.type, frame.data, frame.id)
      if (!result.ok) throw new Error(result.reason)
      freezeEntity(result.event.data)
      enqueue(result.event as StateEvent)
      if ((i + 1) % batch === 0) {
        clock.syncServerTime(times[flushes++]!)
        board.flush()
      }
    }
    clock.syncServerTime(times[times.length - 1]!)
    board.flush()
  })
}

/** The design's counter-example: a deep-reactive map written per event, read per frame by a view. */
export async function deepReactiveRate(pool: EventPool, batch: number): Promise<Rate> {
  const state = reactive({ builds: new Map(), pullRequests: new Map(), deployments: new Map() })
  const key = { build: 'builds', pull_request: 'pullRequests', deployment: 'deployments' } as const
  const snapshot = JSON.parse(pool.snapshotJson) as { builds: { id: string }[] }
  for (const b of snapshot.builds) state.builds.set(b.id, b)
  // What a column does: read every entity's status once per frame.
  const failing = computed(() => [...state.builds.values()].filter((b) => b.status === 'failed').length)
  const events = decodedEvents(pool)
  await settledHeap()
  let sink = 0
  const rate = timed(events.length, () => {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!
      const map = state[key[event.type]]
      const held = map.get(event.data.id)
      if (held) Object.assign(held, event.data)
      else map.set(event.data.id, event.data)
      if ((i + 1) % batch === 0) sink += failing.value
    }
    sink += failing.value
  })
  if (sink < 0) throw new Error('unreachable')
  return rate
}

export const storeThroughputBench: Bench = {
  name: 'store',
  async run(ctx) {
    const count = ctx.quick ? 50_000 : 200_000
    const runs = ctx.quick ? 3 : 5
    const pool = generatePool(count)
    ctx.log(`store: ${count} events, mix ${JSON.stringify(pool.mix)}`)
    // Warm up the JIT on each path before timing it.
    await applyRate(pool, FRAME_BATCH)
    await parseAndApplyRate(pool, FRAME_BATCH)
    const apply: Rate[] = []
    const applySmall: Rate[] = []
    const parse: Rate[] = []
    const deep: Rate[] = []
    for (let r = 0; r < runs; r++) {
      apply.push(await applyRate(pool, FRAME_BATCH))
      applySmall.push(await applyRate(pool, SMALL_BATCH))
      parse.push(await parseAndApplyRate(pool, FRAME_BATCH))
      deep.push(await deepReactiveRate(pool, FRAME_BATCH))
    }
    const cpu = (rates: Rate[]) => rates.map((r) => r.cpu)
    const wall = (rates: Rate[]) => rates.map((r) => r.wall)
    const budget = { op: '>=', limit: 2_000_000 } as const
    return [
      metric('store.apply', `store: apply, ${FRAME_BATCH} events per flush`, 'events/s', budget, wall(apply)),
      metric('store.apply.cpu', `store: apply, ${FRAME_BATCH} per flush, per CPU second`, 'events/s', null, cpu(apply)),
      metric('store.apply.small', `store: apply, ${SMALL_BATCH} events per flush`, 'events/s', null, wall(applySmall)),
      metric('store.parseApply', 'store: parse+schema+freeze+apply', 'events/s', null, wall(parse)),
      metric('store.deepReactive', 'store: deep-reactive writes (counter-example)', 'events/s', null, wall(deep)),
      metric(
        'store.ratio',
        'store: batched shallowRef vs deep-reactive',
        'x',
        null,
        apply.map((a, i) => a.wall / deep[i]!.wall),
      ),
    ]
  },
}
