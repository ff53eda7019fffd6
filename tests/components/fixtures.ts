import { shallowRef } from 'vue'
import { NOW as NOW_KEY } from '../../src/components/now'
import type { Build, Deployment, PullRequest } from '../../src/protocol'

/** A fixed "now" for every test: 2026-01-10T12:00:00Z. */
export const NOW = Date.parse('2026-01-10T12:00:00.000Z')
export const iso = (ms: number) => new Date(ms).toISOString()
export const MIN = 60_000

export function makeBuild(over: Partial<Build> = {}): Build {
  return Object.freeze({
    id: 'b1',
    repo: 'api',
    branch: 'main',
    number: 42,
    status: 'passed',
    commit: { sha: 'abc123', message: 'Fix the thing\n\nwith a body', author: 'alice' },
    startedAt: iso(NOW - 10 * MIN),
    finishedAt: iso(NOW - 5 * MIN),
    updatedAt: iso(NOW - 5 * MIN),
    expectedDurationMs: 6 * MIN,
    url: null,
    ...over,
  }) as Build
}

export function makePr(over: Partial<PullRequest> = {}): PullRequest {
  return Object.freeze({
    id: 'pr1',
    repo: 'api',
    number: 7,
    title: 'Add a feature',
    author: 'bob',
    state: 'open',
    draft: false,
    reviewers: [],
    requiredApprovals: 2,
    checks: 'pending',
    mergeable: null,
    blocks: [],
    createdAt: iso(NOW - 3 * 60 * MIN),
    updatedAt: iso(NOW - 10 * MIN),
    url: null,
    ...over,
  }) as PullRequest
}

export function makeDeployment(over: Partial<Deployment> = {}): Deployment {
  return Object.freeze({
    id: 'd1',
    service: 'billing',
    environment: 'staging',
    version: '1.2.3',
    previousVersion: '1.2.2',
    status: 'succeeded',
    rolloutPercent: 100,
    deployedBy: 'carol',
    startedAt: iso(NOW - 20 * MIN),
    finishedAt: iso(NOW - 15 * MIN),
    updatedAt: iso(NOW - 15 * MIN),
    url: null,
    ...over,
  }) as Deployment
}

export const HOSTILE = '<img src=x onerror="window.__pwned=1">'

/** The page's clock for a mounted card, as App provides it; set `now.value` to move it. */
export function provideNow(at: number) {
  const now = shallowRef(at)
  return { now, global: { provide: { [NOW_KEY as symbol]: now } } }
}
