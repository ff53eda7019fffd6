import { createPinia, setActivePinia } from 'pinia'
import { computed, reactive } from 'vue'
import { freezeEntity } from '../../src/domain/reducer'
import { parseFrame, type StateEvent } from '../../src/protocol'
import { useBoardStore } from '../../src/stores/board'
import { generatePool, type EventPool } from './lib/eventPool'
import { metric, type Bench } from './lib/metrics'

// Store throughput in Node: events applied per second through the store's hot path
// (ingest.enqueue, one flush per "frame" of events), and the same with parsing (JSON plus
// schema) in front of it, for the simulator's realistic mix. Deep-reactive writes per
// event are measured beside it, as the design says they would be about 40 times slower.
//
// Rates are per second of wall time. The apply rate is also given per second of this
// process's CPU time (all its threads: V8's GC helpers make it lower than the wall rate on
// an idle machine, higher on a machine busy with other work).

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
  board.applySnapshot(JSON.parse(pool.snapshotJson), 'bench-0')
  return board
}

function parsedEvents(pool: EventPool, frozen: boolean): StateEvent[] {
  return pool.events.map((e) => {
    const data = JSON.parse(e.data)
    return { type: e.type, data: frozen ? freezeEntity(data) : data, id: e.id } as StateEvent
  })
}

const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.()

/**
 * Store only: events decoded and frozen, as the stream client hands them over (it freezes at
 * ingest, see src/stream/eventSource.ts), through ingest.enqueue and one flush per batch.
 */
export function applyRate(pool: EventPool, batch: number): Rate {
  const board = freshStore(pool)
  const events = parsedEvents(pool, true)
  collectGarbage()
  const { enqueue } = board.ingest
  const rate = timed(events.length, () => {
    for (let i = 0; i < events.length; i++) {
      enqueue(events[i]!)
      if ((i + 1) % batch === 0) board.flush()
    }
    board.flush()
  })
  if (board.appliedCount !== events.length) throw new Error(`applied ${board.appliedCount} of ${events.length}`)
  return rate
}

/** Parse (JSON + schema), freeze and apply: the page's whole per-event path after the EventSource. */
export function parseAndApplyRate(pool: EventPool, batch: number): Rate {
  const board = freshStore(pool)
  const { enqueue } = board.ingest
  collectGarbage()
  return timed(pool.events.length, () => {
    for (let i = 0; i < pool.events.length; i++) {
      const frame = pool.events[i]!
      const result = parseFrame(frame.type, frame.data, frame.id)
      if (!result.ok) throw new Error(result.reason)
      freezeEntity(result.event.data)
      enqueue(result.event as StateEvent)
      if ((i + 1) % batch === 0) board.flush()
    }
    board.flush()
  })
}

/** The design's counter-example: a deep-reactive map written per event, read per frame by a view. */
export function deepReactiveRate(pool: EventPool, batch: number): Rate {
  const state = reactive({ builds: new Map(), pullRequests: new Map(), deployments: new Map() })
  const key = { build: 'builds', pull_request: 'pullRequests', deployment: 'deployments' } as const
  const snapshot = JSON.parse(pool.snapshotJson) as { builds: { id: string }[] }
  for (const b of snapshot.builds) state.builds.set(b.id, b)
  // What a column does: read every entity's status once per frame.
  const failing = computed(() => [...state.builds.values()].filter((b) => b.status === 'failed').length)
  const events = parsedEvents(pool, false)
  collectGarbage()
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
    applyRate(pool, FRAME_BATCH)
    parseAndApplyRate(pool, FRAME_BATCH)
    const apply: Rate[] = []
    const applySmall: Rate[] = []
    const parse: Rate[] = []
    const deep: Rate[] = []
    for (let r = 0; r < runs; r++) {
      apply.push(applyRate(pool, FRAME_BATCH))
      applySmall.push(applyRate(pool, SMALL_BATCH))
      parse.push(parseAndApplyRate(pool, FRAME_BATCH))
      deep.push(deepReactiveRate(pool, FRAME_BATCH))
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
