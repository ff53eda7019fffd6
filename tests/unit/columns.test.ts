import { describe, expect, it } from 'vitest'
import {
  CLOSED_PR_SHOWN_MS,
  deploymentGrid,
  isProductionFailure,
  isRedPipeline,
  orderEnvironments,
  pipelineRows,
  pullRequestRows,
  shownPullRequests,
} from '../../src/domain/columns'
import {
  deploymentRowLabel,
  isProtectedDeploymentRow,
  pipelineLabel,
  PULL_REQUEST_RULES,
  PIPELINE_RULES,
  pullRequestLabel,
} from '../../src/domain/overflowRules'
import { chooseVisible, describeOverflow } from '../../src/domain/kioskFit'
import type { PullRequest } from '../../src/protocol'
import { MIN, NOW, iso, makeBuild, makeDeployment, makePr } from '../components/fixtures'

const only = (prefix: string) => (name: string) => name.startsWith(prefix)

describe('pipelineRows', () => {
  const builds = [
    makeBuild({
      id: 'api-1',
      repo: 'api',
      number: 1,
      status: 'failed',
      finishedAt: iso(NOW - 60 * MIN),
      updatedAt: iso(NOW - 60 * MIN),
    }),
    makeBuild({
      id: 'api-2',
      repo: 'api',
      number: 2,
      status: 'failed',
      finishedAt: iso(NOW - 30 * MIN),
      updatedAt: iso(NOW - 30 * MIN),
    }),
    makeBuild({ id: 'web-7', repo: 'web', number: 7, status: 'passed', updatedAt: iso(NOW - 5 * MIN) }),
    makeBuild({
      id: 'web-f',
      repo: 'web',
      branch: 'feat',
      number: 8,
      status: 'running',
      updatedAt: iso(NOW - 1 * MIN),
    }),
    makeBuild({ id: 'db-3', repo: 'db', number: 3, status: 'passed', updatedAt: iso(NOW - 90 * MIN) }),
    makeBuild({
      id: 'db-4',
      repo: 'db',
      number: 4,
      status: 'queued',
      startedAt: null,
      finishedAt: null,
      updatedAt: iso(NOW - 2 * MIN),
    }),
  ]

  it('keeps the latest build of each pipeline, red ones first, then most recent activity first', () => {
    // api is red and the least recently active: it still leads.
    expect(pipelineRows(builds).map((r) => r.build.id)).toEqual(['api-2', 'web-f', 'db-4', 'web-7'])
  })

  it('orders red pipelines among themselves by most recent activity, and puts a fixed one back by its activity', () => {
    const dbRed = builds.map((b) =>
      b.id === 'db-4' ? { ...b, status: 'failed' as const, finishedAt: b.updatedAt } : b,
    )
    expect(pipelineRows(dbRed).map((r) => r.build.id)).toEqual(['db-4', 'api-2', 'web-f', 'web-7'])
    const apiFixed = [
      ...builds,
      makeBuild({ id: 'api-3', repo: 'api', number: 3, status: 'passed', updatedAt: iso(NOW - 3 * MIN) }),
    ]
    expect(pipelineRows(apiFixed).map((r) => r.build.id)).toEqual(['web-f', 'db-4', 'api-3', 'web-7'])
  })

  it('knows when a red pipeline turned red', () => {
    const api = pipelineRows(builds).find((r) => r.build.repo === 'api')!
    expect(api.redSince).toBe(NOW - 60 * MIN)
    expect(isRedPipeline(api)).toBe(true)
    expect(pipelineLabel(api)).toBe('failing')
  })

  it('keeps a pipeline red while a new build of it runs', () => {
    const rows = pipelineRows([
      ...builds,
      makeBuild({ id: 'api-3', repo: 'api', number: 3, status: 'running', finishedAt: null, updatedAt: iso(NOW) }),
    ])
    expect(rows[0]!.build.id).toBe('api-3')
    expect(isRedPipeline(rows[0]!)).toBe(true)
    expect(pipelineLabel(rows[0]!)).toBe('running')
  })

  it('reads a build again when the store replaces it, after having seen the old one', () => {
    // What a build's facts were worked out from is the object, not its id: an update is a new object.
    expect(pipelineRows(builds).map((r) => r.build.id)).toEqual(['api-2', 'web-f', 'db-4', 'web-7'])
    const updated = builds.map((b) => (b.id === 'db-3' ? { ...b, number: 5, updatedAt: iso(NOW) } : b))
    const rows = pipelineRows(updated)
    expect(rows.map((r) => r.build.id)).toEqual(['api-2', 'db-3', 'web-f', 'web-7'])
    expect(rows[1]!.activity).toBe(NOW)
    const moved = updated.map((b) => (b.id === 'web-7' ? { ...b, branch: 'feat' } : b))
    expect(pipelineRows(moved).map((r) => r.key)).toEqual(['api\u0000main', 'db\u0000main', 'web\u0000feat'])
  })

  it.each([
    ['w', ['web-f', 'web-7']],
    ['nothing', []],
  ])('filters repositories (%s)', (prefix, ids) => {
    expect(pipelineRows(builds, only(prefix)).map((r) => r.build.id)).toEqual(ids)
  })

  it.each([
    ['passed', 'passing', false],
    ['failed', 'failing', true],
    ['running', 'running', false],
    ['queued', 'queued', false],
    ['canceled', 'canceled', false],
  ] as const)('a lone %s build is labelled %s (red: %s)', (status, label, red) => {
    const [row] = pipelineRows([makeBuild({ status })])
    expect(pipelineLabel(row!)).toBe(label)
    expect(isRedPipeline(row!)).toBe(red)
  })
})

describe('pullRequestRows', () => {
  const approved = [
    { login: 'a', state: 'approved' as const },
    { login: 'b', state: 'approved' as const },
  ]
  const prs = new Map<string, PullRequest>(
    [
      makePr({ id: 'old', updatedAt: iso(NOW - 50 * MIN) }),
      makePr({ id: 'new', updatedAt: iso(NOW - 1 * MIN) }),
      makePr({ id: 'ready-old', checks: 'passing', reviewers: approved, updatedAt: iso(NOW - 90 * MIN) }),
      makePr({ id: 'ready-new', checks: 'passing', reviewers: approved, updatedAt: iso(NOW - 20 * MIN) }),
      makePr({ id: 'blocks-1', blocks: ['old'], updatedAt: iso(NOW - 80 * MIN) }),
      makePr({ id: 'blocks-2', blocks: ['old', 'new', 'gone', 'merged'], updatedAt: iso(NOW - 85 * MIN) }),
      makePr({ id: 'merged', state: 'merged', updatedAt: iso(NOW - 10 * MIN) }),
      makePr({ id: 'other', repo: 'web', updatedAt: iso(NOW) }),
    ].map((pr) => [pr.id, pr]),
  )

  it('puts ready first, then blocking (most blocked first), then the most recently updated', () => {
    expect(pullRequestRows(prs).map((r) => r.pr.id)).toEqual([
      'ready-new',
      'ready-old',
      'blocks-2',
      'blocks-1',
      'other',
      'new',
      'merged',
      'old',
    ])
  })

  it('counts only the open PRs a PR blocks', () => {
    const rows = pullRequestRows(prs)
    expect(rows.find((r) => r.pr.id === 'blocks-2')!.blocks).toBe(2)
    expect(rows.find((r) => r.pr.id === 'old')!.blocks).toBe(0)
  })

  it('counts blocked PRs the filter hides', () => {
    const rows = pullRequestRows(
      new Map([
        ['a', makePr({ id: 'a', repo: 'api', blocks: ['w'] })],
        ['w', makePr({ id: 'w', repo: 'web' })],
      ]),
      only('api'),
    )
    expect(rows.map((r) => [r.pr.id, r.blocks])).toEqual([['a', 1]])
  })

  it.each([
    [0, true],
    [CLOSED_PR_SHOWN_MS - 1, true],
    [CLOSED_PR_SHOWN_MS, false],
    [10 * CLOSED_PR_SHOWN_MS, false],
  ])('a PR merged %d ms ago is shown: %s', (ago, shown) => {
    const rows = pullRequestRows(new Map([['m', makePr({ id: 'm', state: 'merged', updatedAt: iso(NOW - ago) })]]))
    expect(shownPullRequests(rows, NOW).length).toBe(shown ? 1 : 0)
  })

  it('always shows open PRs, however old', () => {
    const rows = pullRequestRows(new Map([['o', makePr({ id: 'o', updatedAt: iso(NOW - 30 * 24 * 60 * MIN) })]]))
    expect(shownPullRequests(rows, NOW)).toHaveLength(1)
  })

  it.each([
    [{ state: 'merged' as const }, 'merged'],
    [{ state: 'closed' as const }, 'closed'],
    [{ draft: true }, 'draft'],
    [{ checks: 'failing' as const }, 'failing CI'],
    [{ reviewers: [{ login: 'x', state: 'changes_requested' as const }] }, 'changes requested'],
    [{}, 'in review'],
  ])('labels %j as %s', (over, label) => {
    const [row] = pullRequestRows(new Map([['p', makePr({ id: 'p', ...over })]]))
    expect(pullRequestLabel(row!)).toBe(label)
  })

  it('on a fitted column, lets merged and closed PRs give way before open ones, however recent', () => {
    const rows = pullRequestRows(
      new Map(
        [
          makePr({ id: 'merged-now', state: 'merged', updatedAt: iso(NOW) }),
          makePr({ id: 'closed-now', state: 'closed', updatedAt: iso(NOW - 1000) }),
          makePr({ id: 'open-old', updatedAt: iso(NOW - 3 * 24 * 60 * MIN) }),
          makePr({ id: 'open-new', updatedAt: iso(NOW - 5 * MIN) }),
        ].map((pr) => [pr.id, pr]),
      ),
    )
    const choice = chooseVisible(rows, 3, PULL_REQUEST_RULES)
    expect(choice.visible.map((r) => r.pr.id)).toEqual(['merged-now', 'open-new', 'open-old'])
    expect(describeOverflow(choice.summary!)).toBe('+1 more: 1 closed')
    expect(chooseVisible(rows, 2, PULL_REQUEST_RULES).visible.map((r) => r.pr.id)).toEqual(['open-new', 'open-old'])
  })
})

describe('a fitted builds column', () => {
  it('names the red pipelines that did not fit first in its summary', () => {
    const greens = Array.from({ length: 6 }, (_, i) =>
      makeBuild({ id: `g${i}`, repo: `green-${i}`, status: 'passed', updatedAt: iso(NOW - i * MIN) }),
    )
    const reds = Array.from({ length: 3 }, (_, i) =>
      makeBuild({
        id: `r${i}`,
        repo: `red-${i}`,
        status: 'failed',
        finishedAt: iso(NOW - (10 + i) * MIN),
        updatedAt: iso(NOW - (10 + i) * MIN),
      }),
    )
    const choice = chooseVisible(pipelineRows([...greens, ...reds]), 2, PIPELINE_RULES)
    expect(choice.visible.map((r) => r.build.id)).toEqual(['r0', 'r1'])
    expect(describeOverflow(choice.summary!)).toBe('+7 more: 1 failing, 6 passing')
  })
})

describe('deploymentGrid', () => {
  const deployments = [
    makeDeployment({ id: 'b-s', service: 'billing', environment: 'staging', version: '2.0.0' }),
    makeDeployment({ id: 'b-p', service: 'billing', environment: 'production', version: '1.9.0' }),
    makeDeployment({ id: 'a-p', service: 'api', environment: 'production', version: '3.1.0', status: 'failed' }),
    makeDeployment({
      id: 'a-c',
      service: 'api',
      environment: 'canary',
      version: '3.2.0',
      status: 'in_progress',
      rolloutPercent: 40,
    }),
    makeDeployment({ id: 'c-s', service: 'cart', environment: 'staging', version: '1.0.0' }),
    makeDeployment({ id: 'c-p', service: 'cart', environment: 'production', version: '1.0.0' }),
  ]

  it('lays services out by name, staging beside production, other environments after', () => {
    const grid = deploymentGrid(deployments)
    expect(grid.environments).toEqual(['staging', 'production', 'canary'])
    expect(grid.rows.map((r) => [r.service, ...r.cells.map((c) => c?.id ?? null)])).toEqual([
      ['api', null, 'a-p', 'a-c'],
      ['billing', 'b-s', 'b-p', null],
      ['cart', 'c-s', 'c-p', null],
    ])
    expect(grid.cellCount).toBe(6)
  })

  it.each([
    ['billing', true],
    ['cart', false],
    ['api', false], // no staging to drift from
  ])('drift of %s: %s', (service, drift) => {
    expect(deploymentGrid(deployments).rows.find((r) => r.service === service)!.drift).toBe(drift)
  })

  it('keeps the latest deployment per service and environment', () => {
    const grid = deploymentGrid([
      makeDeployment({ id: 'new', updatedAt: iso(NOW - MIN) }),
      makeDeployment({ id: 'old', updatedAt: iso(NOW - 10 * MIN) }),
    ])
    expect(grid.rows[0]!.cells[0]!.id).toBe('new')
    expect(grid.cellCount).toBe(1)
  })

  it('filters services', () => {
    const grid = deploymentGrid(deployments, only('b'))
    expect(grid.rows.map((r) => r.service)).toEqual(['billing'])
    expect(grid.cellCount).toBe(2)
    expect(deploymentGrid(deployments, only('zzz'))).toEqual({ environments: [], rows: [], cellCount: 0 })
  })

  it.each([
    ['failed', true, 'up to date'],
    ['rolled_back', true, 'up to date'],
    ['in_progress', true, 'up to date'],
    ['queued', false, 'queued'],
    ['succeeded', false, 'up to date'],
  ] as const)('a %s row is protected: %s, labelled %s', (status, protectedRow, label) => {
    const [row] = deploymentGrid([makeDeployment({ status })]).rows
    expect(isProtectedDeploymentRow(row!)).toBe(protectedRow)
    expect(deploymentRowLabel(row!)).toBe(label)
  })

  it('labels a quiet row that drifts', () => {
    const [row] = deploymentGrid([
      makeDeployment({ id: 's', environment: 'staging', version: '2' }),
      makeDeployment({ id: 'p', environment: 'production', version: '1' }),
    ]).rows
    expect(deploymentRowLabel(row!)).toBe('drifted')
    expect(isProtectedDeploymentRow(row!)).toBe(false)
  })

  it.each([
    ['production', 'failed', true],
    ['production', 'rolled_back', false],
    ['staging', 'failed', false],
  ] as const)('%s %s is a production failure: %s', (environment, status, loud) => {
    expect(isProductionFailure(makeDeployment({ environment, status }))).toBe(loud)
  })

  it('orders environments', () => {
    expect(orderEnvironments(['qa', 'production', 'canary', 'qa'])).toEqual(['staging', 'production', 'canary', 'qa'])
  })
})
