import { describe, expect, it } from 'vitest'
import { parseFrame, type Build, type StateEvent } from '../../src/protocol'
import {
  applyEvents,
  emptyBoardState,
  freezeEntity,
  isOlder,
  PRUNE_INTERVAL_MS,
  PRUNE_GROWTH_MIN,
  pruneState,
  stateFromSnapshot,
} from '../../src/domain/reducer'
import { RETENTION, retainBuilds } from '../../src/domain/retention'
import { build, buildEvent, deployment, deploymentEvent, iso, prEvent, pullRequest } from './fixtures/entities'

const NOW = Date.parse(iso(0))

describe('stateFromSnapshot', () => {
  it('indexes every kind by id and freezes entities with their nested arrays and objects', () => {
    const state = stateFromSnapshot({
      builds: [build({ id: 'b1' }), build({ id: 'b2', number: 2 })],
      pullRequests: [pullRequest({ id: 'p1', blocks: ['p2'] })],
      deployments: [deployment({ id: 'd1' })],
    })
    expect([...state.builds.keys()]).toEqual(['b1', 'b2'])
    expect([...state.pullRequests.keys()]).toEqual(['p1'])
    expect([...state.deployments.keys()]).toEqual(['d1'])
    const pr = state.pullRequests.get('p1')!
    expect(Object.isFrozen(pr)).toBe(true)
    expect(Object.isFrozen(pr.reviewers)).toBe(true)
    expect(Object.isFrozen(pr.reviewers[0])).toBe(true)
    expect(Object.isFrozen(pr.blocks)).toBe(true)
    expect(Object.isFrozen(state.builds.get('b1')!.commit)).toBe(true)
  })

  it('keeps the newest of duplicate ids inside one snapshot', () => {
    const state = stateFromSnapshot({
      builds: [build({ status: 'passed', updatedAt: iso(2000) }), build({ status: 'running', updatedAt: iso(1000) })],
      pullRequests: [],
      deployments: [],
    })
    expect(state.builds.get('b1')!.status).toBe('passed')
  })
})

describe('applyEvents', () => {
  const base = () =>
    stateFromSnapshot(
      {
        builds: [build({ id: 'b1', updatedAt: iso(1000) })],
        pullRequests: [pullRequest({ id: 'p1', updatedAt: iso(1000) })],
        deployments: [deployment({ id: 'd1', updatedAt: iso(1000) })],
      },
      NOW,
    )

  type Row = {
    name: string
    events: StateEvent[]
    build?: string
    pr?: string
    deployment?: string
    sizes: [number, number, number]
  }
  const rows: Row[] = [
    {
      name: 'upserts a newer version of a held build',
      events: [buildEvent(build({ id: 'b1', status: 'passed', updatedAt: iso(2000) }))],
      build: 'passed',
      sizes: [1, 1, 1],
    },
    {
      name: 'adds a new build',
      events: [buildEvent(build({ id: 'b2', number: 2, updatedAt: iso(2000) }))],
      build: 'running',
      sizes: [2, 1, 1],
    },
    {
      name: 'ignores an older version (late replay) of a held build',
      events: [buildEvent(build({ id: 'b1', status: 'queued', updatedAt: iso(500) }))],
      build: 'running',
      sizes: [1, 1, 1],
    },
    {
      name: 'applies an equal updatedAt (a duplicate is harmless)',
      events: [buildEvent(build({ id: 'b1', status: 'failed', updatedAt: iso(1000) }))],
      build: 'failed',
      sizes: [1, 1, 1],
    },
    {
      name: 'keeps the newest when events arrive out of order in one batch',
      events: [
        buildEvent(build({ id: 'b1', status: 'failed', updatedAt: iso(3000) })),
        buildEvent(build({ id: 'b1', status: 'passed', updatedAt: iso(2000) })),
      ],
      build: 'failed',
      sizes: [1, 1, 1],
    },
    {
      name: 'compares times of different precision by value, not as text',
      events: [buildEvent(build({ id: 'b1', status: 'passed', updatedAt: '2026-01-01T10:00:01.5Z' }))],
      build: 'passed',
      sizes: [1, 1, 1],
    },
    {
      name: 'ignores an older time written without fractions',
      events: [buildEvent(build({ id: 'b1', status: 'passed', updatedAt: '2026-01-01T10:00:00Z' }))],
      build: 'running',
      sizes: [1, 1, 1],
    },
    {
      name: 'upserts pull requests and deployments',
      events: [
        prEvent(pullRequest({ id: 'p1', title: 'Renamed', updatedAt: iso(2000) })),
        deploymentEvent(deployment({ id: 'd1', rolloutPercent: 100, updatedAt: iso(2000) })),
      ],
      pr: 'Renamed',
      deployment: '100',
      sizes: [1, 1, 1],
    },
  ]

  it.each(rows)('$name', ({ events, build: status, pr, deployment: rollout, sizes }) => {
    const next = applyEvents(base(), events, NOW)
    if (status) expect(next.builds.get('b1')?.status ?? next.builds.get('b2')?.status).toBe(status)
    if (pr) expect(next.pullRequests.get('p1')!.title).toBe(pr)
    if (rollout) expect(String(next.deployments.get('d1')!.rolloutPercent)).toBe(rollout)
    expect([next.builds.size, next.pullRequests.size, next.deployments.size]).toEqual(sizes)
  })

  it('replaces only the maps of kinds that changed', () => {
    const state = base()
    const next = applyEvents(state, [buildEvent(build({ id: 'b1', status: 'passed', updatedAt: iso(2000) }))], NOW)
    expect(next.builds).not.toBe(state.builds)
    expect(next.pullRequests).toBe(state.pullRequests)
    expect(next.deployments).toBe(state.deployments)
  })

  it('returns the same state when nothing changed (all events stale or repeated objects)', () => {
    const state = base()
    const held = state.builds.get('b1')!
    const next = applyEvents(state, [buildEvent(held), buildEvent(build({ updatedAt: iso(0) }))], NOW)
    expect(next).toBe(state)
  })

  it('never mutates the state it was given', () => {
    const state = base()
    applyEvents(state, [buildEvent(build({ id: 'b9', updatedAt: iso(5000) }))], NOW)
    expect([...state.builds.keys()]).toEqual(['b1'])
  })

  it('applying the same batch twice gives the same content', () => {
    const events = [
      buildEvent(build({ id: 'b2', number: 2, updatedAt: iso(2000) })),
      prEvent(pullRequest({ id: 'p2', updatedAt: iso(2000) })),
    ]
    const once = applyEvents(base(), events, NOW)
    const twice = applyEvents(once, events, NOW)
    expect([...twice.builds.entries()]).toEqual([...once.builds.entries()])
    expect([...twice.pullRequests.entries()]).toEqual([...once.pullRequests.entries()])
  })

  it('keeps each map in insertion order: an update stays in place, a new id comes last', () => {
    const state = stateFromSnapshot({
      builds: [build({ id: 'b1' }), build({ id: 'b2', number: 2 })],
      pullRequests: [pullRequest({ id: 'p1' }), pullRequest({ id: 'p2' })],
      deployments: [deployment({ id: 'd1' }), deployment({ id: 'd2', environment: 'staging' })],
    })
    const next = applyEvents(
      state,
      [
        buildEvent(build({ id: 'b3', number: 3, updatedAt: iso(1000) })),
        buildEvent(build({ id: 'b1', status: 'passed', updatedAt: iso(1000) })),
        prEvent(pullRequest({ id: 'p3', updatedAt: iso(1000) })),
        prEvent(pullRequest({ id: 'p1', title: 'Renamed', updatedAt: iso(1000) })),
        deploymentEvent(deployment({ id: 'd1', rolloutPercent: 90, updatedAt: iso(1000) })),
      ],
      NOW,
    )
    expect([...next.builds.keys()]).toEqual(['b1', 'b2', 'b3'])
    expect(next.builds.get('b1')!.status).toBe('passed')
    expect([...next.pullRequests.keys()]).toEqual(['p1', 'p2', 'p3'])
    expect(next.pullRequests.get('p1')!.title).toBe('Renamed')
    expect([...next.deployments.keys()]).toEqual(['d1', 'd2'])
    expect(next.deployments.get('d1')!.rolloutPercent).toBe(90)
  })

  it('keeps unknown extra fields from the wire and freezes what it stores', () => {
    const parsed = parseFrame(
      'build',
      JSON.stringify({ ...build({ id: 'b5', updatedAt: iso(2000) }), shard: { n: 3 } }),
      'e-1',
    )
    expect(parsed.ok).toBe(true)
    if (!parsed.ok || parsed.event.type !== 'build') return
    const next = applyEvents(base(), [parsed.event], NOW)
    const stored = next.builds.get('b5') as unknown as { shard: { n: number } }
    expect(stored.shard).toEqual({ n: 3 })
    expect(Object.isFrozen(stored)).toBe(true)
    expect(Object.isFrozen(stored.shard)).toBe(true)
  })
})

describe('snapshot after events', () => {
  it('replaces the state wholly: entities the server no longer knows leave', () => {
    const first = stateFromSnapshot({ builds: [build({ id: 'old' })], pullRequests: [pullRequest()], deployments: [] })
    const state = applyEvents(first, [buildEvent(build({ id: 'b2', number: 2 }))], NOW)
    expect([...state.builds.keys()]).toEqual(['old', 'b2'])
    const next = stateFromSnapshot({ builds: [build({ id: 'new' })], pullRequests: [], deployments: [] })
    expect([...next.builds.keys()]).toEqual(['new'])
    expect(next.pullRequests.size).toBe(0)
  })
})

describe('retention inside applyEvents', () => {
  it('prunes builds only once the map outgrew the last prune, keeping buildsPerPipeline per pipeline', () => {
    let state = emptyBoardState(NOW)
    const events: StateEvent[] = []
    for (let n = 1; n <= PRUNE_GROWTH_MIN; n++) events.push(buildEvent(build({ id: `b${n}`, number: n })))
    state = applyEvents(state, events, NOW)
    // Exactly at the threshold: no prune yet, every build is held.
    expect(state.builds.size).toBe(PRUNE_GROWTH_MIN)
    state = applyEvents(state, [buildEvent(build({ id: 'b999', number: 999 }))], NOW)
    expect(state.builds.size).toBe(RETENTION.buildsPerPipeline)
    expect(state.builds.has('b999')).toBe(true)
    expect(state.builds.has('b1')).toBe(false)
    expect(state.retention.builds).toBe(RETENTION.buildsPerPipeline)
  })

  it('orders the pruned builds map as retention lists it', () => {
    const events: StateEvent[] = []
    for (let n = 1; n <= PRUNE_GROWTH_MIN + 1; n++) {
      const branch = n % 2 ? 'main' : 'feature'
      events.push(buildEvent(build({ id: `b${n}`, branch, number: n, updatedAt: iso(n * 1000) })))
    }
    const state = applyEvents(emptyBoardState(NOW), events, NOW)
    expect(state.retention.builds).toBe(state.builds.size)
    expect([...state.builds.keys()]).toEqual(retainBuilds(events.map((e) => e.data as Build)).map((b) => b.id))
    expect([...state.builds.keys()].slice(0, 3)).toEqual(['b65', 'b63', 'b61'])
  })

  it('keeps the newest deployment per service and environment at once', () => {
    let state = stateFromSnapshot({ builds: [], pullRequests: [], deployments: [deployment({ id: 'd1' })] })
    state = applyEvents(state, [deploymentEvent(deployment({ id: 'd2', version: '1.3.0', updatedAt: iso(5000) }))], NOW)
    expect([...state.deployments.keys()]).toEqual(['d2'])
    state = applyEvents(state, [deploymentEvent(deployment({ id: 'd3', environment: 'staging' }))], NOW)
    expect([...state.deployments.keys()].sort()).toEqual(['d2', 'd3'])
  })

  it('drops merged pull requests after the linger time on the prune interval', () => {
    const merged = pullRequest({ id: 'p9', state: 'merged', updatedAt: iso(0) })
    let state = stateFromSnapshot({ builds: [], pullRequests: [pullRequest(), merged], deployments: [] }, NOW)
    const soon = NOW + PRUNE_INTERVAL_MS
    state = applyEvents(state, [buildEvent(build())], soon)
    expect(state.pullRequests.has('p9')).toBe(true)
    const later = NOW + RETENTION.closedPrLingerMs + PRUNE_INTERVAL_MS
    const before = state.pullRequests
    state = applyEvents(state, [buildEvent(build({ updatedAt: iso(1) }))], later)
    expect(state.pullRequests.has('p9')).toBe(false)
    expect(state.pullRequests.has('pr1')).toBe(true)
    expect(state.pullRequests).not.toBe(before)
  })

  it('pruneState runs every rule regardless of the marks', () => {
    const builds = Array.from({ length: 15 }, (_, i) => build({ id: `b${i}`, number: i }))
    const state = stateFromSnapshot({ builds, pullRequests: [], deployments: [] })
    expect(pruneState(state, NOW).builds.size).toBe(RETENTION.buildsPerPipeline)
  })
})

describe('isOlder and freezeEntity', () => {
  it.each([
    ['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:01.000Z', true],
    ['2026-01-01T10:00:01.000Z', '2026-01-01T10:00:00.000Z', false],
    ['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z', false],
    ['2026-01-01T10:00:00Z', '2026-01-01T10:00:00.5Z', true],
    ['2026-01-01T10:00:00.5Z', '2026-01-01T10:00:00Z', false],
  ])('isOlder(%s, %s) is %s', (a, b, expected) => {
    expect(isOlder(a, b)).toBe(expected)
  })

  it('freezing is idempotent and returns the entity', () => {
    const b = build()
    expect(freezeEntity(b)).toBe(b)
    expect(freezeEntity(b)).toBe(b)
    expect(() => {
      ;(b.commit as { sha: string }).sha = 'x'
    }).toThrow(TypeError)
  })
})
