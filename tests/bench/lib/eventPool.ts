import { createSimulator } from '../../../mocks/scenario/index'
import type { SimState } from '../../../mocks/scenario/types'
import type { StateEventType } from '../../../src/protocol'

// A realistic event stream: what the seeded simulator emits (builds, pull requests and
// deployments in its own mix), serialised as the wire carries it.

export interface WireEvent {
  type: StateEventType
  id: string
  /** The frame's data text, JSON as the stub sends it. */
  data: string
  /** Simulated ms when it happened (for the clock, as heartbeats would carry it). */
  at: number
}

export interface EventPool {
  snapshot: SimState
  snapshotJson: string
  events: WireEvent[]
  mix: Record<StateEventType, number>
}

export const SIM_START = Date.parse('2026-01-05T08:00:00Z')

/** `count` state events from the simulator at `speed`, plus the state they start from. */
export function generatePool(
  count: number,
  options: { seed?: number; speed?: number; repos?: number } = {},
): EventPool {
  const sim = createSimulator({
    seed: options.seed ?? 7,
    repos: options.repos ?? 40,
    speed: options.speed ?? 20,
    startTime: SIM_START,
    scenario: 'normal',
  })
  const snapshot = sim.state()
  const events: WireEvent[] = []
  const mix = { build: 0, pull_request: 0, deployment: 0 }
  let now = SIM_START
  while (events.length < count) {
    now += 1000
    for (const event of sim.advance(now)) {
      if (event.type === 'log') continue
      mix[event.type]++
      events.push({ type: event.type, id: `bench-${events.length + 1}`, data: JSON.stringify(event.data), at: now })
      if (events.length >= count) break
    }
  }
  return { snapshot, snapshotJson: JSON.stringify(snapshot), events, mix }
}
