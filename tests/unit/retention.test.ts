import { describe, expect, it } from 'vitest'
import { pipelineKey } from '../../src/domain/builds'
import { compareTimes, RETENTION, retainBuilds, retainDeployments } from '../../src/domain/retention'
import type { Build, Deployment } from '../../src/protocol'
import { build, deployment, iso } from './fixtures/entities'

// The retention rules written plainly (the first implementation, which parsed every time and
// sorted with Array.prototype.sort): the optimised module must keep exactly what this keeps,
// in the same order, since the store's builds map takes that order.
const time = (text: string) => Date.parse(text)

function referenceKeptHistory(list: readonly Build[]): Build[] {
  const kept = list.slice(0, RETENTION.buildsPerPipeline)
  const decided = list.filter((b) => b.status === 'passed' || b.status === 'failed')
  let firstFailure: Build | undefined
  for (const b of decided) {
    if (b.status !== 'failed') break
    firstFailure = b
  }
  for (const b of [decided[0], firstFailure]) if (b && !kept.includes(b)) kept.push(b)
  return kept
}

function referenceRetainBuilds(builds: readonly Build[]): Build[] {
  const byPipeline = new Map<string, Build[]>()
  for (const b of builds) {
    const list = byPipeline.get(pipelineKey(b))
    if (list) list.push(b)
    else byPipeline.set(pipelineKey(b), [b])
  }
  const byRepo = new Map<string, { latest: number; branch: string; builds: Build[] }[]>()
  for (const list of byPipeline.values()) {
    list.sort((a, b) => b.number - a.number || time(b.updatedAt) - time(a.updatedAt))
    const pipelines = byRepo.get(list[0]!.repo) ?? []
    pipelines.push({
      latest: Math.max(...list.map((b) => time(b.updatedAt))),
      branch: list[0]!.branch,
      builds: referenceKeptHistory(list),
    })
    byRepo.set(list[0]!.repo, pipelines)
  }
  const kept: Build[] = []
  for (const pipelines of byRepo.values()) {
    pipelines.sort((a, b) => Number(b.branch === 'main') - Number(a.branch === 'main') || b.latest - a.latest)
    for (const pipeline of pipelines.slice(0, RETENTION.pipelinesPerRepo)) kept.push(...pipeline.builds)
  }
  return kept
}

function referenceRetainDeployments(deployments: readonly Deployment[]): Deployment[] {
  const latest = new Map<string, Deployment>()
  for (const d of deployments) {
    const key = `${d.service}\u0000${d.environment}`
    const current = latest.get(key)
    if (!current || time(d.updatedAt) >= time(current.updatedAt)) latest.set(key, d)
  }
  return [...latest.values()]
}

/** A small seeded generator, so a failure names the case that broke. */
function random(seed: number) {
  let state = seed
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  return {
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  }
}

/** Times within a few seconds of each other, in every precision the protocol allows. */
function randomTime(r: ReturnType<typeof random>): string {
  const text = iso(r.int(8) * 1000 + r.pick([0, 0, 1, 500]))
  return r.pick([
    text,
    text.replace(/\.\d{3}Z$/, 'Z'),
    text.replace(/\.(\d)\d\dZ$/, '.$1Z'),
    text.replace(/Z$/, '4Z'),
    text.replace(/Z$/, '000001Z'),
  ])
}

const STATUSES: Build['status'][] = ['passed', 'failed', 'canceled', 'running', 'queued']

describe('compareTimes', () => {
  it.each([
    ['earlier, same precision', '2026-01-01T10:00:00.100Z', '2026-01-01T10:00:00.200Z', -1],
    ['later, same precision', '2026-01-01T10:00:01Z', '2026-01-01T10:00:00Z', 1],
    ['equal text', '2026-01-01T10:00:00.100Z', '2026-01-01T10:00:00.100Z', 0],
    ['same instant, different precision', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00.000Z', 0],
    ['different precision, by value not text', '2026-01-01T10:00:00.5Z', '2026-01-01T10:00:00Z', 1],
    [
      'sub-millisecond digits are dropped, as Date.parse drops them',
      '2026-01-01T10:00:00.1234Z',
      '2026-01-01T10:00:00.1239Z',
      0,
    ],
  ])('%s', (_name, a, b, sign) => {
    expect(Math.sign(compareTimes(a, b))).toBe(sign)
    expect(Math.sign(compareTimes(b, a))).toBe(-sign || 0)
  })
})

describe('retainBuilds', () => {
  it('keeps exactly what the plain rules keep, in the same order', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = random(seed)
      // Few branches for some repositories, so pipelines grow past the short-list sort too.
      const branches = ['main', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'].slice(0, 1 + r.int(9))
      const builds = Array.from({ length: r.int(150) }, (_, i) =>
        build({
          id: `b${i}`,
          repo: r.pick(['api', 'web', 'cli']),
          branch: r.pick(branches),
          number: r.int(40),
          status: r.pick(STATUSES),
          updatedAt: randomTime(r),
        }),
      )
      const ids = (list: Build[]) => list.map((b) => b.id)
      expect(ids(retainBuilds(builds)), `seed ${seed}`).toEqual(ids(referenceRetainBuilds(builds)))
    }
  })

  it('keeps what the plain rules keep from builds in the order the store holds them', () => {
    // The store's map holds the last prune's output (a pipeline's builds together) then the
    // builds that came since, some of them updates of held ones (same id, later in place).
    for (let seed = 1; seed <= 300; seed++) {
      const r = random(seed)
      const branches = ['main', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'].slice(0, 1 + r.int(8))
      const next = (id: string) =>
        build({
          id,
          repo: r.pick(['api', 'web', 'cli']),
          branch: r.pick(branches),
          number: r.int(40),
          status: r.pick(STATUSES),
          updatedAt: randomTime(r),
        })
      const held = new Map<string, Build>()
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < r.int(80); i++) {
          const update = held.size > 0 && r.int(3) === 0
          const id = update ? r.pick([...held.keys()]) : `b${round}-${i}`
          held.set(id, next(id))
        }
        const builds = [...held.values()]
        const kept = retainBuilds(builds)
        const ids = (list: Build[]) => list.map((b) => b.id)
        expect(ids(kept), `seed ${seed}, round ${round}`).toEqual(ids(referenceRetainBuilds(builds)))
        held.clear()
        for (const b of kept) held.set(b.id, b)
      }
    }
  })

  it('tells apart neighbouring builds of the same branch name in different repositories', () => {
    const builds = [
      build({ id: 'api-1', repo: 'api', branch: 'main', number: 1 }),
      build({ id: 'web-1', repo: 'web', branch: 'main', number: 1 }),
      build({ id: 'web-f', repo: 'web', branch: 'f', number: 9 }),
      build({ id: 'api-2', repo: 'api', branch: 'main', number: 2 }),
      build({ id: 'web-2', repo: 'web', branch: 'main', number: 2 }),
    ]
    expect(retainBuilds(builds).map((b) => b.id)).toEqual(['api-2', 'api-1', 'web-2', 'web-1', 'web-f'])
  })

  it('lists repositories as they first appear, main then the most active branches, newest builds first', () => {
    const builds = [
      build({ id: 'web-old', repo: 'web', branch: 'old', number: 1, updatedAt: iso(1000) }),
      build({ id: 'api-main-1', repo: 'api', branch: 'main', number: 1, updatedAt: iso(0) }),
      build({ id: 'web-new', repo: 'web', branch: 'new', number: 1, updatedAt: iso(5000) }),
      build({ id: 'api-main-2', repo: 'api', branch: 'main', number: 2, updatedAt: iso(500) }),
      build({ id: 'web-main', repo: 'web', branch: 'main', number: 1, updatedAt: iso(0) }),
      // Same number: the later update counts as the newer build.
      build({ id: 'web-new-b', repo: 'web', branch: 'new', number: 1, updatedAt: iso(6000) }),
    ]
    expect(retainBuilds(builds).map((b) => b.id)).toEqual([
      'web-main',
      'web-new-b',
      'web-new',
      'web-old',
      'api-main-2',
      'api-main-1',
    ])
  })

  it('ranks branches by their newest update as a time, whatever its precision', () => {
    const builds: Build[] = [build({ id: 'main', branch: 'main' })]
    for (let i = 0; i < RETENTION.pipelinesPerRepo - 1; i++) {
      builds.push(build({ id: `f${i}`, branch: `f${i}`, updatedAt: iso(10_500 + i * 1000) }))
    }
    // The oldest branch but main, so the one dropped, though as text ("...:10Z"
    // against "...:10.500Z") it would sort after f0.
    builds.push(build({ id: 'seconds', branch: 'seconds', updatedAt: iso(10_000).replace(/\.\d{3}Z$/, 'Z') }))
    const ids = retainBuilds(builds).map((b) => b.id)
    expect(ids).toContain('f0')
    expect(ids).not.toContain('seconds')
  })
})

describe('retainDeployments', () => {
  it('keeps exactly what the plain rule keeps, in the same order', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = random(seed)
      const deployments = Array.from({ length: r.int(40) }, (_, i) =>
        deployment({
          id: `d${i}`,
          service: r.pick(['billing', 'search', 'auth']),
          environment: r.pick(['production', 'staging', 'dev']),
          updatedAt: randomTime(r),
        }),
      )
      const ids = (list: Deployment[]) => list.map((d) => d.id)
      expect(ids(retainDeployments(deployments)), `seed ${seed}`).toEqual(ids(referenceRetainDeployments(deployments)))
    }
  })

  it('puts the latest of each target where the target first appeared; a tie goes to the later one', () => {
    const kept = retainDeployments([
      deployment({ id: 'billing-1', service: 'billing', environment: 'production', updatedAt: iso(0) }),
      deployment({ id: 'search', service: 'search', environment: 'production', updatedAt: iso(0) }),
      deployment({ id: 'billing-stage', service: 'billing', environment: 'staging', updatedAt: iso(0) }),
      deployment({ id: 'billing-2', service: 'billing', environment: 'production', updatedAt: iso(1000) }),
      deployment({ id: 'search-2', service: 'search', environment: 'production', updatedAt: iso(0) }),
    ])
    expect(kept.map((d) => d.id)).toEqual(['billing-2', 'search-2', 'billing-stage'])
  })
})
