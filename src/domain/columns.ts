import type { Build, Deployment, PullRequest } from '../protocol'
import { pipelineKey, redSince } from './builds'
import { blockedOpenPrs, isReadyToMerge } from './pullRequests'
import { parseTime } from './format'

/** A name filter from the URL (`?repos=`, `?services=`); null means everything. */
export type NameMatcher = (name: string) => boolean

const time = (iso: string | null | undefined) => parseTime(iso) ?? 0

// ---- builds -------------------------------------------------------------

/** One card of the builds column: the latest build of a repository and branch. */
export interface PipelineRow {
  key: string
  build: Build
  /** When the pipeline's unbroken red run began (ms), else null. */
  redSince: number | null
  /** The most recent update of any build of the pipeline (ms). */
  activity: number
}

interface BuildFacts {
  key: string
  updated: number
}

/**
 * A build's pipeline key and parsed update time, worked out once per build: the column reads
 * every held build each frame under a burst, and parsing times was most of its cost (1.3 ms a
 * frame for 900 builds). Entities are frozen and replaced when they change, so this never goes
 * stale, and a build the store let go takes its entry with it.
 */
const buildFacts = new WeakMap<Build, BuildFacts>()

function factsOf(build: Build): BuildFacts {
  let facts = buildFacts.get(build)
  if (!facts) {
    facts = { key: pipelineKey(build), updated: time(build.updatedAt) }
    buildFacts.set(build, facts)
  }
  return facts
}

/**
 * The latest build per pipeline: red ones first (what is failing is the first thing a glance
 * looks for, and on a laptop the column scrolls), then by most recent activity.
 */
export function pipelineRows(builds: Iterable<Build>, repos: NameMatcher | null = null): PipelineRow[] {
  const groups = new Map<string, Build[]>()
  for (const build of builds) {
    if (repos && !repos(build.repo)) continue
    const key = factsOf(build).key
    const group = groups.get(key)
    if (group) group.push(build)
    else groups.set(key, [build])
  }
  const rows: PipelineRow[] = []
  for (const [key, group] of groups) {
    let latest = group[0]!
    let latestUpdated = factsOf(latest).updated
    let activity = 0
    for (const b of group) {
      const updated = factsOf(b).updated
      if (b.number > latest.number || (b.number === latest.number && updated > latestUpdated)) {
        latest = b
        latestUpdated = updated
      }
      activity = Math.max(activity, updated)
    }
    rows.push({ key, build: latest, redSince: redSince(group), activity })
  }
  return rows.sort(
    (a, b) =>
      Number(isRedPipeline(b)) - Number(isRedPipeline(a)) ||
      b.activity - a.activity ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  )
}

/** A red pipeline stays on the wall, also while a new build of it runs. */
export function isRedPipeline(row: PipelineRow): boolean {
  return row.build.status === 'failed' || row.redSince !== null
}

// ---- pull requests ------------------------------------------------------

/** How long a merged or closed PR stays in view (the store keeps it a little longer). */
export const CLOSED_PR_SHOWN_MS = 30_000

export interface PullRequestRow {
  pr: PullRequest
  ready: boolean
  /** How many open PRs this one blocks. */
  blocks: number
  updated: number
}

/** Ready first, then blocking (most blocked first), then the most recently updated. */
export function comparePullRequestRows(a: PullRequestRow, b: PullRequestRow): number {
  return (
    Number(b.ready) - Number(a.ready) ||
    Number(b.blocks > 0) - Number(a.blocks > 0) ||
    b.blocks - a.blocks ||
    b.updated - a.updated ||
    (a.pr.id < b.pr.id ? -1 : a.pr.id > b.pr.id ? 1 : 0)
  )
}

export function pullRequestRows(
  prs: ReadonlyMap<string, PullRequest>,
  repos: NameMatcher | null = null,
): PullRequestRow[] {
  const rows: PullRequestRow[] = []
  for (const pr of prs.values()) {
    if (repos && !repos(pr.repo)) continue
    // Blocking counts every open PR, also those the filter hides: they are still waiting.
    rows.push({ pr, ready: isReadyToMerge(pr), blocks: blockedOpenPrs(pr, prs).length, updated: time(pr.updatedAt) })
  }
  return rows.sort(comparePullRequestRows)
}

/** Open PRs, and merged or closed ones for a short while after they left. */
export function shownPullRequests(rows: readonly PullRequestRow[], now: number): PullRequestRow[] {
  return rows.filter((row) => row.pr.state === 'open' || now - row.updated < CLOSED_PR_SHOWN_MS)
}

// ---- deployments --------------------------------------------------------

const LEADING_ENVIRONMENTS = ['staging', 'production']

export interface DeploymentRow {
  service: string
  /** One per environment of the grid, in the grid's order; null where nothing was deployed. */
  cells: (Deployment | null)[]
  /** Staging and production run different versions. */
  drift: boolean
  updated: number
}

export interface DeploymentGridModel {
  environments: string[]
  rows: DeploymentRow[]
  /** Deployments held (service x environment), the column's count. */
  cellCount: number
}

/** Staging, then production, then any other environment by name. */
export function orderEnvironments(names: Iterable<string>): string[] {
  const others = [...new Set(names)].filter((n) => !LEADING_ENVIRONMENTS.includes(n)).sort()
  return [...LEADING_ENVIRONMENTS, ...others]
}

/** Services by environment; one row per service, by name, so each team finds its own at the same place. */
export function deploymentGrid(
  deployments: Iterable<Deployment>,
  services: NameMatcher | null = null,
): DeploymentGridModel {
  const byService = new Map<string, Map<string, Deployment>>()
  for (const d of deployments) {
    if (services && !services(d.service)) continue
    const envs = byService.get(d.service) ?? new Map<string, Deployment>()
    const current = envs.get(d.environment)
    if (!current || time(d.updatedAt) >= time(current.updatedAt)) envs.set(d.environment, d)
    byService.set(d.service, envs)
  }
  if (byService.size === 0) return { environments: [], rows: [], cellCount: 0 }
  const environments = orderEnvironments([...byService.values()].flatMap((envs) => [...envs.keys()]))
  let cellCount = 0
  const rows: DeploymentRow[] = []
  for (const [service, envs] of byService) {
    cellCount += envs.size
    const staging = envs.get('staging')
    const production = envs.get('production')
    rows.push({
      service,
      cells: environments.map((env) => envs.get(env) ?? null),
      drift: !!staging && !!production && staging.version !== production.version,
      updated: Math.max(...[...envs.values()].map((d) => time(d.updatedAt))),
    })
  }
  rows.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0))
  return { environments, rows, cellCount }
}

/** The loudest thing on the wall. */
export function isProductionFailure(d: Deployment): boolean {
  return d.environment === 'production' && d.status === 'failed'
}
