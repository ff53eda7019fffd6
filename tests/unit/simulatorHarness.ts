import { createSimulator, type ScenarioName, type SeededSimulator, type SimEvent } from '../../mocks/scenario'

export const START = Date.parse('2026-11-28T09:00:00.000Z')
export const MINUTE = 60_000

export function simulator(
  scenario: ScenarioName = 'normal',
  overrides: { seed?: number; speed?: number; repos?: number } = {},
): SeededSimulator {
  return createSimulator({ seed: 7, repos: 40, speed: 1, startTime: START, scenario, ...overrides })
}

/** Advances in steps of `stepMs` over `spanMs` (from the simulator's start) and collects every event. */
export function run(sim: SeededSimulator, spanMs: number, stepMs = 1000, from = START): SimEvent[] {
  const events: SimEvent[] = []
  for (let t = from + stepMs; t <= from + spanMs; t += stepMs) {
    for (const event of sim.advance(t)) events.push(event)
  }
  return events
}

export function stateEvents(events: readonly SimEvent[]): SimEvent[] {
  return events.filter((e) => e.type !== 'log')
}
