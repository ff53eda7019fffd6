import { describe, expect, it } from 'vitest'
import type { Build, Deployment, PullRequest } from '../../src/protocol'
import { pipelineKey, redSince } from '../../src/domain/builds'
import { isBlocking, isReadyToMerge } from '../../src/domain/pullRequests'
import type { SimEvent, SimState } from '../../mocks/scenario'
import { MINUTE, START, run, simulator, stateEvents } from './simulatorHarness'

const HOUR = 60 * MINUTE

function redMains(builds: readonly Build[]): number[] {
  const mains = new Map<string, Build[]>()
  for (const b of builds) if (b.branch === 'main') mains.set(pipelineKey(b), [...(mains.get(pipelineKey(b)) ?? []), b])
  return [...mains.values()].map((list) => redSince(list)).filter((since): since is number => since !== null)
}

function latestProduction(deployments: readonly Deployment[]): Deployment[] {
  return deployments.filter((d) => d.environment === 'production')
}

function applyAll(state: SimState, events: readonly SimEvent[]): SimState {
  const builds = new Map(state.builds.map((b) => [b.id, b]))
  const prs = new Map(state.pullRequests.map((p) => [p.id, p]))
  const deployments = new Map(state.deployments.map((d) => [`${d.service}/${d.environment}`, d]))
  for (const e of events) {
    if (e.type === 'build') builds.set(e.data.id, e.data)
    if (e.type === 'pull_request') prs.set(e.data.id, e.data)
    if (e.type === 'deployment') deployments.set(`${e.data.service}/${e.data.environment}`, e.data)
  }
  return { builds: [...builds.values()], pullRequests: [...prs.values()], deployments: [...deployments.values()] }
}

describe('normal: a lived-in board', () => {
  const sim = simulator('normal')
  const { builds, pullRequests, deployments } = sim.state()

  it('has a main pipeline with history for every repo, a few red for hours, and some feature branches running', () => {
    const repos = new Set(builds.map((b) => b.repo))
    expect(repos.size).toBe(40)
    for (const repo of repos) {
      const finishedMain = builds.filter((b) => b.repo === repo && b.branch === 'main' && b.finishedAt)
      expect(finishedMain.length).toBeGreaterThanOrEqual(3)
    }
    const red = redMains(builds)
    expect(red.length).toBeGreaterThanOrEqual(2)
    expect(Math.min(...red)).toBeLessThan(START - HOUR)
    expect(builds.some((b) => b.branch !== 'main')).toBe(true)
    const running = builds.filter((b) => b.status === 'running')
    expect(running.length).toBeGreaterThanOrEqual(3)
    expect(running.length).toBeLessThan(15)
  })

  it('has 10 to 20 open PRs: some ready, some drafts, some blocking others', () => {
    const byId = new Map<string, PullRequest>(pullRequests.map((p) => [p.id, p]))
    const open = pullRequests.filter((p) => p.state === 'open')
    expect(open.length).toBeGreaterThanOrEqual(10)
    expect(open.length).toBeLessThanOrEqual(20)
    expect(open.filter(isReadyToMerge).length).toBeGreaterThanOrEqual(2)
    expect(open.filter((p) => p.draft).length).toBeGreaterThanOrEqual(1)
    expect(open.filter((p) => isBlocking(p, byId)).length).toBeGreaterThanOrEqual(1)
    expect(open.some((p) => p.reviewers.some((r) => r.state === 'changes_requested'))).toBe(true)
  })

  it('deploys 10 to 12 services to staging and production, with drift and one production rollout under way', () => {
    const services = new Set(deployments.map((d) => d.service))
    expect(services.size).toBeGreaterThanOrEqual(10)
    expect(services.size).toBeLessThanOrEqual(12)
    expect(deployments.length).toBe(services.size * 2)
    const rolling = deployments.filter((d) => d.status === 'in_progress')
    expect(rolling).toHaveLength(1)
    expect(rolling[0]!.environment).toBe('production')
    expect(rolling[0]!.rolloutPercent).toBeGreaterThan(0)
    expect(rolling[0]!.rolloutPercent).toBeLessThan(100)
    expect(deployments.filter((d) => d.status === 'succeeded').length).toBeGreaterThan(deployments.length * 0.8)
    const drift = [...services].filter((s) => {
      const [staging, production] = ['staging', 'production'].map((env) =>
        deployments.find((d) => d.service === s && d.environment === env),
      )
      return staging?.version !== production?.version
    })
    expect(drift.length).toBeGreaterThanOrEqual(2)
    for (const d of deployments) expect(d.previousVersion).not.toBeNull()
  })

  it('produces roughly 1 to 3 state events a second at speed 1', () => {
    const events = stateEvents(run(simulator('normal'), 10 * MINUTE))
    expect(events.length / 10).toBeGreaterThan(40)
    expect(events.length / 10).toBeLessThan(200)
    const types = new Set(events.map((e) => e.type))
    expect(types).toEqual(new Set(['build', 'pull_request', 'deployment']))
  })

  it('speeds up with the speed factor: twice as often, half as long', () => {
    const slow = simulator('normal', { speed: 1 })
    const fast = simulator('normal', { speed: 2 })
    const expected = new Map(slow.state().builds.map((b) => [b.id, b.expectedDurationMs!]))
    for (const b of fast.state().builds)
      expect(Math.abs(b.expectedDurationMs! - expected.get(b.id)! / 2)).toBeLessThanOrEqual(1)
    const slowCount = stateEvents(run(slow, 20 * MINUTE)).length
    const fastCount = stateEvents(run(fast, 10 * MINUTE)).length
    expect(fastCount / slowCount).toBeGreaterThan(0.7)
    expect(fastCount / slowCount).toBeLessThan(1.4)
  })
})

describe('incident', () => {
  const sim = simulator('incident')
  const state = sim.state()

  it('opens with a failed latest production deployment', () => {
    const failed = latestProduction(state.deployments).filter((d) => d.status === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.previousVersion).not.toBe(failed[0]!.version)
  })

  it('has at least 3 main pipelines red for hours', () => {
    const red = redMains(state.builds)
    expect(red.length).toBeGreaterThanOrEqual(3)
    expect(red.filter((since) => since < START - HOUR).length).toBeGreaterThanOrEqual(3)
  })

  it('keeps the failed production deployment on the board while the incident lasts', () => {
    const later = applyAll(state, run(sim, 15 * MINUTE))
    expect(latestProduction(later.deployments).some((d) => d.status === 'failed')).toBe(true)
  })
})

describe('all-green', () => {
  it('has nothing red at start, nor after a while', () => {
    const sim = simulator('all-green')
    const state = sim.state()
    const check = (s: SimState) => {
      expect(redMains(s.builds)).toEqual([])
      expect(s.builds.filter((b) => b.status === 'failed' || b.status === 'canceled')).toEqual([])
      expect(s.deployments.filter((d) => d.status === 'failed' || d.status === 'rolled_back')).toEqual([])
    }
    check(state)
    expect(state.builds.length).toBeGreaterThan(100)
    check(applyAll(state, run(sim, 30 * MINUTE)))
  })
})

describe('empty', () => {
  it('starts with nothing and stays quiet', () => {
    const sim = simulator('empty')
    expect(sim.state()).toEqual({ builds: [], pullRequests: [], deployments: [] })
    expect(run(sim, 30 * MINUTE, 10_000)).toEqual([])
    expect(sim.state()).toEqual({ builds: [], pullRequests: [], deployments: [] })
  })
})

describe('busy', () => {
  it('overflows every column: 15+ running builds and 40+ open PRs, at start and later', () => {
    const sim = simulator('busy')
    const state = sim.state()
    const count = (s: SimState) => ({
      running: s.builds.filter((b) => b.status === 'running').length,
      open: s.pullRequests.filter((p) => p.state === 'open').length,
    })
    expect(count(state).running).toBeGreaterThanOrEqual(15)
    expect(count(state).open).toBeGreaterThanOrEqual(40)
    const later = count(applyAll(state, run(sim, 10 * MINUTE)))
    expect(later.running).toBeGreaterThanOrEqual(15)
    expect(later.open).toBeGreaterThanOrEqual(40)
  })
})

describe('overload', () => {
  it('publishes well over 200 state events per second at speed 1', () => {
    const events = stateEvents(run(simulator('overload'), 30_000, 100))
    expect(events.length / 30).toBeGreaterThan(200)
  })
})

describe('hostile', () => {
  const sim = simulator('hostile')
  const state = sim.state()
  const events = run(sim, 5 * MINUTE)
  const all = applyAll(state, events)
  const logLines = events.flatMap((e) => (e.type === 'log' ? e.data.lines : []))
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000b-\u001f]/
  const nasty = (values: string[]) => ({
    markup: values.some((v) => v.includes('<')),
    control: values.some((v) => control.test(v)),
  })

  it.each([
    ['commit messages', all.builds.map((b) => b.commit.message)],
    ['commit authors', all.builds.map((b) => b.commit.author)],
    ['repos', all.builds.map((b) => b.repo)],
    ['branches', all.builds.map((b) => b.branch)],
    ['PR titles', all.pullRequests.map((p) => p.title)],
    ['PR authors and reviewers', all.pullRequests.flatMap((p) => [p.author, ...p.reviewers.map((r) => r.login)])],
    ['versions', all.deployments.flatMap((d) => [d.version, d.previousVersion ?? ''])],
    ['log lines', logLines],
  ])('salts %s with markup and control characters', (_name, values) => {
    expect(values.length).toBeGreaterThan(0)
    expect(nasty(values)).toEqual({ markup: true, control: true })
  })

  it('includes right-to-left text, emoji, combining marks and very long strings', () => {
    const text = [...all.builds.map((b) => b.commit.message), ...all.pullRequests.map((p) => p.title), ...logLines]
    expect(text.some((t) => /[\u0590-\u05ff\u0600-\u06ff]/.test(t))).toBe(true)
    expect(text.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true)
    expect(text.some((t) => /\p{M}/u.test(t))).toBe(true)
    expect(text.some((t) => t.length > 500)).toBe(true)
  })

  it('keeps ids short and plain even when names are hostile', () => {
    for (const item of [...all.builds, ...all.pullRequests, ...all.deployments])
      expect(item.id).toMatch(/^[a-z0-9-]{1,200}$/)
  })
})
