import { describe, expect, it } from 'vitest'
import type { Build, PullRequest, Reviewer } from '../../src/protocol'
import { approvals, blockedOpenPrs, isBlocking, isReadyToMerge, requiredApprovals } from '../../src/domain/pullRequests'
import { pipelineKey, redSince } from '../../src/domain/builds'
import { RETENTION, retainBuilds, retainDeployments, retainPullRequests } from '../../src/domain/retention'
import { build, deployment, iso, pullRequest } from './fixtures/entities'

const approved = (login: string): Reviewer => ({ login, state: 'approved' })
const two = [approved('a'), approved('b')]
const three = [approved('a'), approved('b'), approved('c')]

describe('isReadyToMerge', () => {
  const rows: [string, Partial<PullRequest>, boolean][] = [
    ['open, two approvals, checks passing, mergeable', {}, true],
    ['a draft', { draft: true }, false],
    ['merged', { state: 'merged' }, false],
    ['closed', { state: 'closed' }, false],
    ['checks pending', { checks: 'pending' }, false],
    ['checks failing', { checks: 'failing' }, false],
    ['no checks', { checks: 'none' }, false],
    ['changes requested despite approvals', { reviewers: [...two, { login: 'c', state: 'changes_requested' }] }, false],
    [
      'commented and pending reviewers do not count',
      { reviewers: [approved('a'), { login: 'b', state: 'commented' }, { login: 'c', state: 'pending' }] },
      false,
    ],
    ['mergeable unknown (null) is not a conflict', { mergeable: null }, true],
    ['mergeable false is a conflict', { mergeable: false }, false],
    ['requiredApprovals absent means 2: one approval is short', { reviewers: [approved('a')] }, false],
    ['requiredApprovals absent means 2: two suffice', { reviewers: two }, true],
    ['requiredApprovals 1: one suffices', { requiredApprovals: 1, reviewers: [approved('a')] }, true],
    ['requiredApprovals 3: two are short', { requiredApprovals: 3, reviewers: two }, false],
    ['requiredApprovals 3: three suffice', { requiredApprovals: 3, reviewers: three }, true],
    ['requiredApprovals 0: none needed', { requiredApprovals: 0, reviewers: [] }, true],
    ['no reviewers at all', { reviewers: [] }, false],
  ]
  it.each(rows)('%s -> %s', (_name, overrides, expected) => {
    expect(isReadyToMerge(pullRequest(overrides))).toBe(expected)
  })

  it('counts approvals and falls back to 2 required', () => {
    const pr = pullRequest({ reviewers: three })
    expect(approvals(pr)).toBe(3)
    expect(requiredApprovals(pr)).toBe(2)
    expect(requiredApprovals(pullRequest({ requiredApprovals: 1 }))).toBe(1)
  })
})

describe('isBlocking', () => {
  const target = (state: PullRequest['state']) => pullRequest({ id: 't', state })
  const rows: [string, Partial<PullRequest>, PullRequest[], boolean][] = [
    ['open PR blocking an open PR', { blocks: ['t'] }, [target('open')], true],
    ['target merged', { blocks: ['t'] }, [target('merged')], false],
    ['target closed', { blocks: ['t'] }, [target('closed')], false],
    ['target unknown', { blocks: ['t'] }, [], false],
    ['blocks nothing', { blocks: [] }, [target('open')], false],
    ['the blocker itself is merged', { state: 'merged', blocks: ['t'] }, [target('open')], false],
    ['the blocker itself is closed', { state: 'closed', blocks: ['t'] }, [target('open')], false],
    ['a draft blocker still blocks', { draft: true, blocks: ['t'] }, [target('open')], true],
    ['blocking only itself does not count', { blocks: ['pr1'] }, [], false],
    ['one open among closed targets', { blocks: ['t', 'u'] }, [target('closed'), pullRequest({ id: 'u' })], true],
  ]
  it.each(rows)('%s -> %s', (_name, overrides, others, expected) => {
    const pr = pullRequest(overrides)
    const byId = new Map([pr, ...others].map((p) => [p.id, p]))
    expect(isBlocking(pr, byId)).toBe(expected)
  })

  it('lists each blocked open PR once', () => {
    const pr = pullRequest({ blocks: ['t', 't', 'u'] })
    const byId = new Map(
      [pr, pullRequest({ id: 't' }), pullRequest({ id: 'u', state: 'merged' })].map((p) => [p.id, p]),
    )
    expect(blockedOpenPrs(pr, byId)).toEqual(['t'])
  })
})

describe('redSince', () => {
  const at = (minutes: number) => iso(minutes * 60_000)
  const b = (number: number, status: Build['status'], finishedMin: number | null = number) =>
    build({
      id: `b${number}`,
      number,
      status,
      startedAt: at(number - 0.5),
      finishedAt: finishedMin === null ? null : at(finishedMin),
      updatedAt: at(finishedMin ?? number),
    })
  const t = (minutes: number) => Date.parse(at(minutes))

  const rows: [string, Build[], number | null][] = [
    ['no builds', [], null],
    ['latest passed', [b(1, 'failed'), b(2, 'passed')], null],
    ['one failure', [b(1, 'passed'), b(2, 'failed')], t(2)],
    ['run of failures since the first', [b(1, 'passed'), b(2, 'failed'), b(3, 'failed'), b(4, 'failed')], t(2)],
    ['all failed', [b(1, 'failed'), b(2, 'failed')], t(1)],
    [
      'canceled in between neither breaks nor extends',
      [b(1, 'passed'), b(2, 'failed'), b(3, 'canceled'), b(4, 'failed')],
      t(2),
    ],
    ['canceled last: still red from the run', [b(1, 'passed'), b(2, 'failed'), b(3, 'canceled')], t(2)],
    ['only canceled: not red', [b(1, 'canceled')], null],
    ['passed breaks the run', [b(1, 'failed'), b(2, 'passed'), b(3, 'failed')], t(3)],
    ['running build after failures is still red', [b(1, 'failed'), b(2, 'failed'), b(3, 'running', null)], t(1)],
    ['queued build after a pass does not make red', [b(1, 'passed'), b(2, 'queued', null)], null],
    ['unordered input', [b(4, 'failed'), b(1, 'passed'), b(3, 'failed'), b(2, 'passed')], t(3)],
    ['unordered with canceled', [b(5, 'failed'), b(3, 'canceled'), b(2, 'failed'), b(1, 'passed')], t(2)],
  ]
  it.each(rows)('%s', (_name, builds, expected) => {
    expect(redSince(builds)).toBe(expected)
  })

  it('uses updatedAt when a failed build has no finishedAt', () => {
    const failed = build({ id: 'x', number: 1, status: 'failed', finishedAt: null, updatedAt: at(7) })
    expect(redSince([failed])).toBe(t(7))
  })

  it('keys pipelines by repo and branch', () => {
    expect(pipelineKey(build({ repo: 'a', branch: 'b' }))).not.toBe(pipelineKey(build({ repo: 'ab', branch: '' })))
  })
})

describe('retention', () => {
  it('keeps buildsPerPipeline newest builds per pipeline', () => {
    const builds = Array.from({ length: 25 }, (_, i) => build({ id: `b${i}`, number: i + 1 }))
    const kept = retainBuilds(builds)
    expect(kept).toHaveLength(RETENTION.buildsPerPipeline)
    expect(Math.min(...kept.map((b) => b.number))).toBe(25 - RETENTION.buildsPerPipeline + 1)
  })

  it.each([
    ['a red run longer than the kept history', ['passed', ...Array<string>(14).fill('failed')]],
    [
      'a failure behind more cancelled builds than are kept',
      ['passed', 'failed', ...Array<string>(10).fill('canceled')],
    ],
    ['a pass behind more cancelled builds than are kept', ['failed', 'passed', ...Array<string>(10).fill('canceled')]],
  ])('keeps what redSince needs: %s', (_, statuses) => {
    const builds = statuses.map((status, i) =>
      build({
        id: `b${i}`,
        number: i + 1,
        status: status as Build['status'],
        finishedAt: iso(i * 60_000),
        updatedAt: iso(i * 60_000),
      }),
    )
    const kept = retainBuilds(builds)
    expect(kept.length).toBeLessThanOrEqual(RETENTION.buildsPerPipeline + 2)
    expect(redSince(kept)).toBe(redSince(builds))
  })

  it('keeps main and the most recently active branches per repository', () => {
    const builds: Build[] = [build({ id: 'main', branch: 'main', updatedAt: iso(0) })]
    for (let i = 0; i < RETENTION.pipelinesPerRepo + 2; i++) {
      builds.push(build({ id: `f${i}`, branch: `feature-${i}`, updatedAt: iso((i + 1) * 1000) }))
    }
    builds.push(build({ id: 'other', repo: 'web', branch: 'old', updatedAt: iso(0) }))
    const ids = retainBuilds(builds).map((b) => b.id)
    expect(ids).toContain('main')
    expect(ids).toContain('other')
    expect(ids).toContain(`f${RETENTION.pipelinesPerRepo + 1}`)
    expect(ids).not.toContain('f0')
    expect(ids.filter((id) => id !== 'other')).toHaveLength(RETENTION.pipelinesPerRepo)
  })

  const now = Date.parse(iso(0)) + 10 * 60_000
  const rows: [string, Partial<PullRequest>, boolean][] = [
    ['open PR kept however old', { state: 'open', updatedAt: iso(0) }, true],
    ['merged just now kept', { state: 'merged', updatedAt: new Date(now - 1000).toISOString() }, true],
    ['merged long ago dropped', { state: 'merged', updatedAt: iso(0) }, false],
    ['closed long ago dropped', { state: 'closed', updatedAt: iso(0) }, false],
    [
      'closed exactly at the linger time dropped',
      { state: 'closed', updatedAt: new Date(now - RETENTION.closedPrLingerMs).toISOString() },
      false,
    ],
  ]
  it.each(rows)('pull requests: %s', (_name, overrides, kept) => {
    expect(retainPullRequests([pullRequest(overrides)], now)).toHaveLength(kept ? 1 : 0)
  })

  it('keeps the latest deployment per service and environment', () => {
    const kept = retainDeployments([
      deployment({ id: 'old', updatedAt: iso(0) }),
      deployment({ id: 'new', updatedAt: iso(1000) }),
      deployment({ id: 'stage', environment: 'staging', updatedAt: iso(0) }),
      deployment({ id: 'other', service: 'search', updatedAt: iso(0) }),
    ])
    expect(kept.map((d) => d.id).sort()).toEqual(['new', 'other', 'stage'])
  })
})
