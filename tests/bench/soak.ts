import { createPinia, setActivePinia } from 'pinia'
import { freezeEntity } from '../../src/domain/reducer'
import { parseFrame, type StateEvent } from '../../src/protocol'
import { useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { busyDay, DAY_MS, HOUR_MS } from './lib/simulatedDay'
import { metric, type Bench } from './lib/metrics'

// Soak, Node side: a simulated day of events through the page's whole path after the
// EventSource (JSON, schema, freeze, store, reducer, retention), with the clock following the
// simulated time as heartbeats would. Heap after forced GC at start, middle and end.
// Run with --expose-gc (the bench runner does, in a child process).

/** Events per flush: about one animation frame's worth at 5,000 events/s. */
const BATCH = 100

function forceGc(): number {
  const gc = (globalThis as { gc?: (options?: object) => void }).gc
  if (!gc) throw new Error('soak needs --expose-gc')
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

export interface SoakResult {
  events: number
  simulatedHours: number
  heapStart: number
  heapMiddle: number
  heapEnd: number
  seconds: number
  entities: { builds: number; pullRequests: number; deployments: number }
}

export async function runSoak(durationMs: number, targetEvents: number, speed: number): Promise<SoakResult> {
  const day = busyDay(speed)
  setActivePinia(createPinia())
  const board = useBoardStore()
  const clock = useClockStore()
  const { enqueue } = board.ingest
  clock.syncServerTime(new Date(day.now()).toISOString())
  board.applySnapshot(JSON.parse(JSON.stringify(day.start)), 'soak-0')
  // The page loads retention's rules after its first batch; a soak without them would not prune.
  await board.loadRetention()

  let applied = 0
  let seq = 0
  const marks: number[] = []
  // Start is measured after the first simulated hour, once the maps have reached their retained size.
  const checkpoints = [HOUR_MS, durationMs / 2]
  const started = performance.now()
  while (day.elapsed() < durationMs || applied < targetEvents) {
    const events = day.step()
    clock.syncServerTime(new Date(day.now()).toISOString())
    for (const event of events) {
      const result = parseFrame(event.type, JSON.stringify(event.data), `soak-${++seq}`)
      if (!result.ok) throw new Error(result.reason)
      freezeEntity(result.event.data)
      enqueue(result.event as StateEvent)
      if (++applied % BATCH === 0) board.flush()
    }
    board.flush()
    if (checkpoints.length > 0 && day.elapsed() >= checkpoints[0]!) {
      checkpoints.shift()
      marks.push(forceGc())
    }
  }
  const heapEnd = forceGc()
  return {
    events: applied,
    simulatedHours: day.elapsed() / HOUR_MS,
    heapStart: marks[0]!,
    heapMiddle: marks[1]!,
    heapEnd,
    seconds: (performance.now() - started) / 1000,
    entities: {
      builds: board.builds.size,
      pullRequests: board.pullRequests.size,
      deployments: board.deployments.size,
    },
  }
}

export const soakBench: Bench = {
  name: 'soak',
  async run(ctx) {
    // Full: the busy scenario at 6x makes a simulated day of about 1.1 million state events.
    // Quick: 3 simulated hours at 12x (as much activity as 36 real hours), about 250,000 events.
    const result = await (ctx.quick ? runSoak(3 * HOUR_MS, 0, 12) : runSoak(DAY_MS, 1_000_000, 6))
    ctx.log(
      `soak: ${result.events} events, ${result.simulatedHours.toFixed(1)} simulated h in ${result.seconds.toFixed(0)} s, ` +
        `heap ${[result.heapStart, result.heapMiddle, result.heapEnd].map((b) => (b / 1e6).toFixed(2)).join(' / ')} MB, ` +
        `entities ${JSON.stringify(result.entities)}`,
    )
    const MB = 1024 * 1024
    return [
      metric(
        'soak.events',
        `soak (Node): state events in ${result.simulatedHours.toFixed(0)} simulated h`,
        'events',
        null,
        [result.events],
      ),
      metric('soak.heapGrowth', 'soak (Node): heap end - start after GC', 'MB', { op: '<=', limit: 1 }, [
        (result.heapEnd - result.heapStart) / MB,
      ]),
      metric('soak.heapMiddle', 'soak (Node): heap middle - start after GC', 'MB', null, [
        (result.heapMiddle - result.heapStart) / MB,
      ]),
      metric('soak.heapStart', 'soak (Node): heap at start after GC', 'MB', null, [result.heapStart / MB]),
    ]
  },
}
