import { createSimulator } from '../../../mocks/scenario/index'
import { RETENTION } from '../../../src/domain/retention'
import type { SimEvent, SimState } from '../../../mocks/scenario/types'
import { SIM_START } from './eventPool'
import { sleep } from './metrics'
import { ingest } from './stub'

// The soaks' simulated day: the seeded simulator's busy scenario, stepped ten simulated seconds
// at a time. The Node soak (soak.ts) applies it in-process; for the page it is pushed through the stub's POST /api/events at a steady rate. The events are made
// in order as they are sent, never held all at once (a day is over a million), and each is
// stamped with a recent `updatedAt` (see below) that only grows, so the page applies it and its
// retention meets a day's churn of new builds, pull requests and deployments in minutes.
//
// The day runs about 360 times faster than the page's clock, which is real time. A rule that
// reads an entity's age on that clock would hold 360 times too much: a merged pull request
// lingers a minute (retention's closedPrLingerMs), six simulated hours of merges at this speed,
// 4 MB of heap halfway through the day that is no leak. So each event is stamped as if sent a
// minute ago less one second: merged PRs linger one real second (six simulated minutes).

const STEP_MS = 10_000
const STAMP_LAG_MS = RETENTION.closedPrLingerMs - 1000
const TICK_MS = 10
export const HOUR_MS = 60 * 60 * 1000
export const DAY_MS = 24 * HOUR_MS

type StateSimEvent = Exclude<SimEvent, { type: 'log' }>

export interface BusyDay {
  /** The state the day starts from. */
  start: SimState
  /** Simulated epoch ms now. */
  now(): number
  /** Simulated ms since the day began. */
  elapsed(): number
  /** Moves the day ten simulated seconds on; the state events of those seconds (log lines left out). */
  step(): StateSimEvent[]
}

/** At 6x a day is about 1.2 million state events; a higher speed packs more activity into each hour. */
export function busyDay(speed = 6): BusyDay {
  const sim = createSimulator({ seed: 11, repos: 40, speed, startTime: SIM_START, scenario: 'busy' })
  let simNow = SIM_START
  return {
    start: sim.state(),
    now: () => simNow,
    elapsed: () => simNow - SIM_START,
    step() {
      simNow += STEP_MS
      return sim.advance(simNow).filter((event): event is StateSimEvent => event.type !== 'log')
    },
  }
}

export interface SimulatedDay {
  /** The state the day starts from, to seed the stub with. */
  start: SimState
  /** Simulated ms since the day began. */
  elapsed(): number
  /**
   * Sends the day's next events at `rate` per second until `until(elapsed simulated ms)` holds
   * (the simulator runs up to one 10 s step ahead of what was sent); returns how many were sent.
   */
  publish(url: string, rate: number, until: (elapsedMs: number) => boolean): Promise<number>
}

export function simulatedDay(): SimulatedDay {
  const day = busyDay()
  let pending: { type: string; data: object }[] = []

  function next(count: number) {
    while (pending.length < count) pending.push(...day.step())
    const batch = pending.slice(0, count)
    pending = pending.slice(count)
    const updatedAt = new Date(Date.now() - STAMP_LAG_MS).toISOString()
    return batch.map(({ type, data }) => ({ type, data: { ...data, updatedAt } }))
  }

  return {
    start: day.start,
    elapsed: day.elapsed,
    async publish(url, rate, until) {
      const started = performance.now()
      let sent = 0
      while (!until(day.elapsed())) {
        const due = Math.floor(((performance.now() - started) / 1000) * rate)
        if (due > sent) {
          const count = Math.min(1000, due - sent)
          await ingest(url, next(count))
          sent += count
        }
        await sleep(TICK_MS)
      }
      return sent
    },
  }
}
