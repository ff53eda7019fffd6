import { describe, expect, it } from 'vitest'
import type { Build } from '../../src/protocol'
import {
  MAX_CATCH_UP_SIMULATED_MS,
  MAX_EVENTS_PER_ADVANCE,
  MAX_LOG_LINES,
  SCENARIO_CONFIGS,
  createSimulator,
} from '../../mocks/scenario'
import { MINUTE, START, run, simulator, stateEvents } from './simulatorHarness'

const HOUR = 60 * MINUTE

describe('simulator memory stays bounded', () => {
  it('holds a few thousand entities at most after 6 simulated hours at high speed, and stops growing', () => {
    const speed = 120
    const sim = simulator('busy', { speed })
    let emitted = 0
    const sample = () => sim.stats()
    const countEvents = (fromHours: number, toHours: number) => {
      for (let t = START + (fromHours * HOUR) / speed; t < START + (toHours * HOUR) / speed; t += 250)
        emitted += sim.advance(t).length
    }
    countEvents(0, 3)
    const half = sample()
    countEvents(3, 6)
    const full = sample()
    expect(emitted).toBeGreaterThan(50_000)
    for (const stats of [half, full]) {
      expect(stats.builds).toBeLessThan(40 * 6 * 10 + 256)
      expect(stats.pullRequests).toBeLessThan(2_000)
      // One deployment per service and environment (staging, production).
      expect(stats.deployments).toBeLessThanOrEqual(SCENARIO_CONFIGS.busy.services * 2)
      expect(stats.logs).toBeLessThan(500)
      expect(stats.logLines).toBeLessThan(200_000)
      expect(stats.scheduled).toBeLessThan(1_000)
    }
    expect(full.builds).toBeLessThan(half.builds * 1.5)
    expect(full.logLines).toBeLessThan(half.logLines * 2 + 10_000)
  })

  it('forgets the log of a build 10 simulated minutes after it finished', () => {
    const sim = simulator('normal', { speed: 10 })
    const running = sim.state().builds.find((b) => b.status === 'running')!
    let finishedAt: number | null = null
    for (let t = START + 100; t < START + HOUR / 10 && finishedAt === null; t += 100) {
      for (const e of sim.advance(t))
        if (e.type === 'build' && e.data.id === running.id && e.data.finishedAt) finishedAt = t
    }
    expect(finishedAt).not.toBeNull()
    expect(sim.logBacklog(running.id).length).toBeGreaterThan(0)
    sim.advance(finishedAt! + (9 * MINUTE) / 10)
    expect(sim.logBacklog(running.id).length).toBeGreaterThan(0)
    sim.advance(finishedAt! + (11 * MINUTE) / 10)
    expect(sim.logBacklog(running.id)).toEqual([])
  })

  it('never lets a build log grow past the cap', () => {
    const sim = simulator('busy', { speed: 30 })
    const lengths = new Map<string, number>()
    for (const event of run(sim, HOUR / 30, 500)) {
      if (event.type === 'log')
        lengths.set(event.data.buildId, (lengths.get(event.data.buildId) ?? 0) + event.data.lines.length)
    }
    expect(lengths.size).toBeGreaterThan(10)
    expect(Math.max(...lengths.values())).toBeLessThanOrEqual(MAX_LOG_LINES)
  })
})

describe('simulator catch-up after a long pause', () => {
  it('skips all but the last simulated hour of a long gap, in order, then carries on', () => {
    const sim = simulator('normal')
    const now = START + 5 * HOUR
    const events = sim.advance(now)
    const states = stateEvents(events)
    expect(states.length).toBeGreaterThan(1000)
    expect(events.length).toBeLessThanOrEqual(MAX_EVENTS_PER_ADVANCE)
    const times = states.map((e) => Date.parse((e.data as Build).updatedAt))
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now - MAX_CATCH_UP_SIMULATED_MS)
    expect(Math.max(...times)).toBeLessThanOrEqual(now)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const next = stateEvents(run(sim, 5 * MINUTE, 1000, now))
    expect(next.length).toBeGreaterThan(50)
    expect(Math.min(...next.map((e) => Date.parse((e.data as Build).updatedAt)))).toBeGreaterThan(now)
  })

  it('caps the events one call returns, even in the overload scenario', () => {
    const sim = createSimulator({ seed: 1, repos: 40, speed: 1, startTime: START, scenario: 'overload' })
    const events = sim.advance(START + HOUR)
    expect(events.length).toBeGreaterThan(MAX_EVENTS_PER_ADVANCE / 2)
    expect(events.length).toBeLessThanOrEqual(MAX_EVENTS_PER_ADVANCE + 100)
    expect(sim.advance(START + HOUR + 1000).length).toBeGreaterThan(0)
  })

  it('is deterministic across the skip too', () => {
    const a = simulator('normal', { seed: 9 })
    const b = simulator('normal', { seed: 9 })
    // Compared as JSON: a deep equality walk over tens of thousands of events is slow.
    const first = JSON.stringify(a.advance(START + 3 * HOUR))
    expect(first.length).toBeGreaterThan(100_000)
    expect(first).toBe(JSON.stringify(b.advance(START + 3 * HOUR)))
    expect(JSON.stringify(a.advance(START + 3 * HOUR + MINUTE))).toBe(
      JSON.stringify(b.advance(START + 3 * HOUR + MINUTE)),
    )
  })
})

describe('simulator options', () => {
  it('refuses nonsense options rather than looping forever', () => {
    const ok = { seed: 1, repos: 40, speed: 1, startTime: START }
    expect(() => createSimulator({ ...ok, speed: 0 })).toThrow(/speed/)
    expect(() => createSimulator({ ...ok, speed: Number.NaN })).toThrow(/speed/)
    expect(() => createSimulator({ ...ok, repos: -1 })).toThrow(/repos/)
    expect(() => createSimulator({ ...ok, startTime: Number.POSITIVE_INFINITY })).toThrow(/startTime/)
  })

  it('honours the number of repositories, beyond the built-in names too', () => {
    for (const repos of [1, 5, 60]) {
      const sim = createSimulator({ seed: 1, repos, speed: 1, startTime: START })
      const names = new Set(sim.state().builds.map((b) => b.repo))
      expect(names.size).toBe(repos)
      const later = run(sim, 2 * MINUTE)
      for (const e of later) if (e.type === 'build') expect(names.has(e.data.repo)).toBe(true)
    }
  })

  it('works with no repositories at all', () => {
    const sim = createSimulator({ seed: 1, repos: 0, speed: 1, startTime: START })
    expect(sim.state().builds).toEqual([])
    expect(sim.state().pullRequests).toEqual([])
    expect(() => run(sim, 5 * MINUTE)).not.toThrow()
  })
})
