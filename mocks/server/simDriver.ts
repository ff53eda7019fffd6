import type { Simulator } from '../scenario/types'
import type { EventHub } from './hub'

// Feeds the hub from the simulator: its state once, then whatever happened since the last tick.

export interface SimDriver {
  stop(): void
}

export function seedFromSimulator(hub: EventHub, sim: Simulator): void {
  const state = sim.state()
  hub.seed(state)
  // Logs printed before the stub started, so followers of a running build see it from line 0.
  for (const build of state.builds) {
    const backlog = sim.logBacklog(build.id)
    if (backlog.length > 0) hub.appendLog(build.id, backlog)
  }
}

export function tickSimulator(hub: EventHub, sim: Simulator, now: number): number {
  const events = sim.advance(now)
  for (const event of events) {
    if (event.type === 'log') hub.appendLog(event.data.buildId, event.data.lines)
    else if (event.type === 'build') hub.publish('build', event.data)
    else if (event.type === 'pull_request') hub.publish('pull_request', event.data)
    else hub.publish('deployment', event.data)
  }
  return events.length
}

export function startSimDriver(hub: EventHub, sim: Simulator, now: () => number, everyMs = 100): SimDriver {
  seedFromSimulator(hub, sim)
  const timer = setInterval(() => tickSimulator(hub, sim, now()), everyMs)
  return { stop: () => clearInterval(timer) }
}
