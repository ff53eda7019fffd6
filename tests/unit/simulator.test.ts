import { describe, expect, it } from 'vitest'
import { parsePayload, type Build, type Deployment, type PullRequest } from '../../src/protocol'
import { SCENARIOS, type SimEvent } from '../../mocks/scenario'
import { MINUTE, START, run, simulator, stateEvents } from './simulatorHarness'

describe('simulator determinism', () => {
  it('gives the same state and events for the same seed and clock sequence', () => {
    const a = simulator('normal', { seed: 42 })
    const b = simulator('normal', { seed: 42 })
    expect(a.state()).toEqual(b.state())
    const eventsA = run(a, 5 * MINUTE, 700)
    const eventsB = run(b, 5 * MINUTE, 700)
    expect(stateEvents(eventsA).length).toBeGreaterThan(50)
    expect(eventsA).toEqual(eventsB)
    expect(a.state()).toEqual(b.state())
  })

  it('is not disturbed by reading state or backlogs in between', () => {
    const a = simulator('busy', { seed: 3 })
    const b = simulator('busy', { seed: 3 })
    const eventsA: SimEvent[] = []
    const eventsB: SimEvent[] = []
    for (let t = START + 1000; t <= START + 3 * MINUTE; t += 1000) {
      eventsA.push(...a.advance(t))
      const state = b.state()
      for (const build of state.builds) b.logBacklog(build.id)
      eventsB.push(...b.advance(t))
    }
    expect(eventsA).toEqual(eventsB)
  })

  it('differs with a different seed', () => {
    const a = simulator('normal', { seed: 1 })
    const b = simulator('normal', { seed: 2 })
    expect(a.state()).not.toEqual(b.state())
    expect(run(a, 2 * MINUTE)).not.toEqual(run(b, 2 * MINUTE))
  })

  it('uses only the clock it is given: entity times come from startTime and advance(now)', () => {
    const sim = simulator('normal')
    const events = stateEvents(run(sim, 3 * MINUTE))
    for (const event of events) {
      const updatedAt = Date.parse((event.data as Build | PullRequest | Deployment).updatedAt)
      expect(updatedAt).toBeGreaterThan(START)
      expect(updatedAt).toBeLessThanOrEqual(START + 3 * MINUTE)
    }
    for (const build of sim.state().builds) expect(Date.parse(build.updatedAt)).toBeLessThanOrEqual(START + 3 * MINUTE)
  })

  it('returns events in time order and nothing when the clock does not move forward', () => {
    const sim = simulator('normal')
    const events = stateEvents(run(sim, 4 * MINUTE, 5_000))
    const times = events.map((e) => Date.parse((e.data as Build).updatedAt))
    expect(times).toEqual([...times].sort((x, y) => x - y))
    expect(sim.advance(START + 4 * MINUTE)).toEqual([])
    expect(sim.advance(START)).toEqual([])
  })
})

describe('simulator output validates against the protocol', () => {
  it.each(SCENARIOS)('%s: the state and every event for a few simulated minutes pass the schemas', (scenario) => {
    const sim = simulator(scenario, { speed: scenario === 'overload' ? 1 : 4 })
    const state = sim.state()
    const snapshot = parsePayload('snapshot', { ...state, serverTime: new Date(START).toISOString() })
    expect(snapshot.ok ? 'ok' : snapshot.reason).toBe('ok')
    const events = run(sim, scenario === 'overload' ? MINUTE : 5 * MINUTE, 500)
    const offsets = new Map<string, number>()
    for (const event of events) {
      const payload =
        event.type === 'log' ? { ...event.data, offset: offsets.get(event.data.buildId) ?? 0 } : (event.data as unknown)
      if (event.type === 'log')
        offsets.set(event.data.buildId, (offsets.get(event.data.buildId) ?? 0) + event.data.lines.length)
      const result = parsePayload(event.type, payload)
      if (!result.ok) throw new Error(`${scenario} ${event.type}: ${result.reason}`)
    }
    if (scenario !== 'empty') expect(stateEvents(events).length).toBeGreaterThan(20)
  })
})

describe('simulator lifecycles', () => {
  const events = run(simulator('normal', { speed: 8 }), 30 * MINUTE, 250)

  it('keeps entity ids stable and well-formed', () => {
    for (const event of stateEvents(events)) {
      const data = event.data as Build | PullRequest | Deployment
      if (event.type === 'build') expect(data.id).toMatch(/^b-[a-z0-9-]+-\d+$/)
      if (event.type === 'pull_request') expect(data.id).toMatch(/^pr-[a-z0-9-]+-\d+$/)
      if (event.type === 'deployment') expect(data.id).toMatch(/^d-[a-z0-9-]+-(staging|production)-\d+$/)
    }
    const buildNumbers = new Map<string, number>()
    for (const event of events) {
      if (event.type !== 'build') continue
      const known = buildNumbers.get(event.data.id)
      if (known !== undefined) expect(event.data.number).toBe(known)
      buildNumbers.set(event.data.id, event.data.number)
    }
  })

  it('moves builds queued -> running -> finished, never back, with plausible times', () => {
    const order = { queued: 0, running: 1, passed: 2, failed: 2, canceled: 2 }
    const last = new Map<string, Build>()
    const finished: Build[] = []
    for (const event of events) {
      if (event.type !== 'build') continue
      const build = event.data
      const before = last.get(build.id)
      if (before) {
        expect(order[build.status]).toBeGreaterThan(order[before.status])
        expect(build.commit).toEqual(before.commit)
      }
      if (build.status === 'running') expect(build.startedAt).not.toBeNull()
      if (order[build.status] === 2) {
        expect(build.finishedAt).not.toBeNull()
        expect(Date.parse(build.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(build.startedAt!))
        if (before) finished.push(build)
      }
      last.set(build.id, build)
    }
    const statuses = new Set(finished.map((b) => b.status))
    expect(statuses).toEqual(new Set(['passed', 'failed', 'canceled']))
    // Speed 8: a build of 1 to 15 nominal minutes takes an eighth of that.
    for (const build of finished.filter((b) => b.status === 'passed')) {
      const took = Date.parse(build.finishedAt!) - Date.parse(build.startedAt!)
      expect(took).toBeGreaterThan((0.6 * 36_000) / 8)
      expect(took).toBeLessThan((1.3 * 15 * MINUTE) / 8)
      expect(build.expectedDurationMs!).toBeLessThanOrEqual((15 * MINUTE) / 8)
    }
  })

  it('only ever raises the rollout percentage while a deployment is in progress', () => {
    const last = new Map<string, Deployment>()
    const finals = new Set<string>()
    for (const event of events) {
      if (event.type !== 'deployment') continue
      const d = event.data
      const before = last.get(d.id)
      expect(finals.has(d.id)).toBe(false)
      if (before?.status === 'in_progress' && d.status === 'in_progress') {
        expect(d.rolloutPercent).toBeGreaterThan(before.rolloutPercent)
        expect(d.rolloutPercent - before.rolloutPercent).toBeLessThanOrEqual(20)
      }
      if (d.status === 'succeeded') expect(d.rolloutPercent).toBe(100)
      if (['succeeded', 'failed', 'rolled_back'].includes(d.status)) finals.add(d.id)
      last.set(d.id, d)
    }
    expect(finals.size).toBeGreaterThan(5)
  })

  it('carries the version that ran before as previousVersion', () => {
    const running = new Map<string, string | null>()
    let checked = 0
    for (const event of events) {
      if (event.type !== 'deployment') continue
      const d = event.data
      const key = `${d.service}/${d.environment}`
      if (d.status === 'queued') {
        if (running.has(key)) {
          expect(d.previousVersion).toBe(running.get(key))
          checked++
        }
      }
      if (d.status === 'succeeded') running.set(key, d.version)
    }
    expect(checked).toBeGreaterThan(3)
  })

  it('emits a merged or closed PR once, and PRs gain reviews and checks on the way', () => {
    const finals = new Map<string, number>()
    const reviewStates = new Set<string>()
    const checks = new Set<string>()
    for (const event of events) {
      if (event.type !== 'pull_request') continue
      const pr = event.data
      if (pr.state !== 'open') finals.set(pr.id, (finals.get(pr.id) ?? 0) + 1)
      for (const r of pr.reviewers) reviewStates.add(r.state)
      checks.add(pr.checks)
    }
    expect([...finals.values()].every((n) => n === 1)).toBe(true)
    expect(finals.size).toBeGreaterThan(3)
    expect(reviewStates).toEqual(new Set(['approved', 'changes_requested', 'commented', 'pending']))
    expect([...checks]).toEqual(expect.arrayContaining(['pending', 'passing', 'failing']))
  })

  it('prints logs for running builds and keeps them for logBacklog', () => {
    const sim = simulator('normal')
    const runningAtStart = sim.state().builds.filter((b) => b.status === 'running')
    expect(runningAtStart.length).toBeGreaterThan(0)
    for (const build of runningAtStart) expect(sim.logBacklog(build.id).length).toBeGreaterThan(0)
    const printed = new Map<string, string[]>()
    for (const event of run(sim, 2 * MINUTE)) {
      if (event.type === 'log')
        printed.set(event.data.buildId, [...(printed.get(event.data.buildId) ?? []), ...event.data.lines])
    }
    const followed = runningAtStart[0]!
    const backlog = sim.logBacklog(followed.id)
    expect(backlog.slice(-(printed.get(followed.id)?.length ?? 0))).toEqual(printed.get(followed.id) ?? [])
    expect(sim.logBacklog('b-nope-1')).toEqual([])
    const all = [...printed.values()].flat()
    expect(all.some((line) => line.includes('\u001b[32m'))).toBe(true)
    expect(all.every((line) => !line.includes('\n'))).toBe(true)
  })

  it('ends failing builds with a stack trace', () => {
    const sim = simulator('incident', { speed: 8 })
    const logs = new Map<string, string[]>()
    for (const event of run(sim, 20 * MINUTE, 250)) {
      if (event.type === 'log')
        logs.set(event.data.buildId, [...(logs.get(event.data.buildId) ?? []), ...event.data.lines])
      if (event.type === 'build' && event.data.status === 'failed' && logs.has(event.data.id)) {
        const lines = logs.get(event.data.id)!
        expect(lines.some((l) => l.startsWith('    at '))).toBe(true)
        expect(lines.at(-1)).toBe('Process exited with code 1')
        return
      }
    }
    throw new Error('no failed build with a log in 20 simulated minutes')
  })
})
