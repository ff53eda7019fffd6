import type { Build, Deployment, PullRequest } from '../protocol'

// One policy for the stub's snapshot state and for the page's store, so a snapshot
// and a long-running page hold the same things and neither grows for days.
export const RETENTION = {
  /** Enough history per repo+branch to tell when an unbroken red run began. */
  buildsPerPipeline: 10,
  /** Branches per repository kept, by most recent activity (main is always kept). */
  pipelinesPerRepo: 6,
  /** How long a merged or closed PR stays so the wall can show it briefly. */
  closedPrLingerMs: 60_000,
} as const

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : 0)

/** `YYYY-MM-DDTHH:MM:SS.sssZ`: the longest protocol time whose every digit `Date.parse` keeps. */
const MS_ISO_LENGTH = 24

/**
 * Negative when `a` is the earlier time, positive when later, zero when `Date.parse` sees the
 * same millisecond. Protocol times (UTC, fixed-width fields) of equal length have their digits
 * in the same places and compare as strings, which saves retention a `Date.parse` per build on
 * every prune; other pairs, and those with sub-millisecond digits `Date.parse` drops, are parsed.
 */
export function compareTimes(a: string, b: string): number {
  if (a.length === b.length && a.length <= MS_ISO_LENGTH) return a < b ? -1 : a === b ? 0 : 1
  return time(a) - time(b)
}

/** Past this length Array.prototype.sort wins; below it its setup costs more than the sort. */
const SHORT_LIST = 24

/**
 * Sorts in place, stably, as `Array.prototype.sort` does. Retention sorts many lists of a
 * few items (builds of a pipeline, pipelines of a repository): insertion sort does those
 * several times faster.
 */
function sortInPlace<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > SHORT_LIST) return list.sort(compare)
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!
    let j = i - 1
    for (; j >= 0 && compare(list[j]!, item) > 0; j--) list[j + 1] = list[j]!
    list[j + 1] = item
  }
  return list
}

const newestFirst = (a: Build, b: Build) => b.number - a.number || compareTimes(b.updatedAt, a.updatedAt)

const isDecided = (build: Build) => build.status === 'passed' || build.status === 'failed'

/**
 * The newest builds of one pipeline (`list` sorted newest first), plus the two older ones
 * redSince needs: the newest build that passed or failed (behind a row of cancelled builds
 * it still says whether the pipeline is red) and the first failure of the current red run
 * (after many failures, it still says since when).
 */
function keptHistory(list: Build[]): Build[] {
  // A short history is kept whole: both extra builds are in it already.
  if (list.length <= RETENTION.buildsPerPipeline) return list
  const kept = list.slice(0, RETENTION.buildsPerPipeline)
  let newestDecided: Build | undefined
  let firstFailure: Build | undefined
  for (const build of list) {
    if (!isDecided(build)) continue
    newestDecided ??= build
    if (build.status !== 'failed') break
    firstFailure = build
  }
  for (const build of [newestDecided, firstFailure]) if (build && !kept.includes(build)) kept.push(build)
  return kept
}

interface Pipeline {
  main: boolean
  /** The newest `updatedAt` of its builds. */
  latest: string
  builds: Build[]
}

function byActivity(a: Pipeline, b: Pipeline): number {
  return Number(b.main) - Number(a.main) || compareTimes(b.latest, a.latest)
}

/**
 * Per repository, main and the most recently active branches; per branch, `keptHistory`.
 * The result lists repositories in the order their first build came, each one's pipelines
 * main first then by activity, each pipeline's builds newest first.
 */
export function retainBuilds(builds: Iterable<Build>): Build[] {
  // Grouped by repository, then branch: two lookups on strings the builds hold (whose hashes
  // V8 keeps once computed) cost less than a joined key built, and hashed, per build. The
  // store's map holds builds in the order the last prune left them, a pipeline's together, so
  // most builds belong to the pipeline of the build before and skip both lookups.
  const byRepo = new Map<string, Map<string, Pipeline>>()
  let pipeline: Pipeline | undefined
  let repo = ''
  let branch = ''
  for (const build of builds) {
    if (pipeline !== undefined && build.branch === branch && build.repo === repo) {
      pipeline.builds.push(build)
      if (compareTimes(build.updatedAt, pipeline.latest) > 0) pipeline.latest = build.updatedAt
      continue
    }
    repo = build.repo
    branch = build.branch
    let branches = byRepo.get(repo)
    if (!branches) byRepo.set(repo, (branches = new Map()))
    pipeline = branches.get(branch)
    if (!pipeline) {
      branches.set(branch, (pipeline = { main: branch === 'main', latest: build.updatedAt, builds: [build] }))
    } else {
      pipeline.builds.push(build)
      if (compareTimes(build.updatedAt, pipeline.latest) > 0) pipeline.latest = build.updatedAt
    }
  }
  const kept: Build[] = []
  const pipelines: Pipeline[] = []
  for (const branches of byRepo.values()) {
    pipelines.length = 0
    branches.forEach((p) => pipelines.push(p))
    sortInPlace(pipelines, byActivity)
    const count = Math.min(pipelines.length, RETENTION.pipelinesPerRepo)
    for (let p = 0; p < count; p++) {
      const history = keptHistory(sortInPlace(pipelines[p]!.builds, newestFirst))
      for (let i = 0; i < history.length; i++) kept.push(history[i]!)
    }
  }
  return kept
}

export function retainPullRequests(prs: Iterable<PullRequest>, now: number): PullRequest[] {
  const kept: PullRequest[] = []
  for (const pr of prs) {
    if (pr.state === 'open' || now - time(pr.updatedAt) < RETENTION.closedPrLingerMs) kept.push(pr)
  }
  return kept
}

/** The latest deployment per service and environment, in the order each target first appears. */
export function retainDeployments(deployments: Iterable<Deployment>): Deployment[] {
  // Slots indexed by service, then environment: a joined key per deployment would be a new
  // string to flatten and hash each time, and the store prunes deployments often.
  const slots = new Map<string, Map<string, number>>()
  const latest: Deployment[] = []
  for (const d of deployments) {
    let byEnvironment = slots.get(d.service)
    if (!byEnvironment) slots.set(d.service, (byEnvironment = new Map()))
    const slot = byEnvironment.get(d.environment)
    if (slot === undefined) {
      byEnvironment.set(d.environment, latest.length)
      latest.push(d)
    } else if (compareTimes(d.updatedAt, latest[slot]!.updatedAt) >= 0) {
      latest[slot] = d
    }
  }
  return latest
}
