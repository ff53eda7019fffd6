import type { Build, Deployment, PullRequest } from '../protocol'
import { pipelineKey } from './builds'

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

/**
 * The newest builds of one pipeline (`list` sorted newest first), plus the two older ones
 * redSince needs: the newest build that passed or failed (behind a row of cancelled builds
 * it still says whether the pipeline is red) and the first failure of the current red run
 * (after many failures, it still says since when).
 */
function keptHistory(list: readonly Build[]): Build[] {
  const kept = list.slice(0, RETENTION.buildsPerPipeline)
  const decided = list.filter((b) => b.status === 'passed' || b.status === 'failed')
  let firstFailure: Build | undefined
  for (const build of decided) {
    if (build.status !== 'failed') break
    firstFailure = build
  }
  for (const build of [decided[0], firstFailure]) if (build && !kept.includes(build)) kept.push(build)
  return kept
}

export function retainBuilds(builds: Iterable<Build>): Build[] {
  const byPipeline = new Map<string, Build[]>()
  for (const build of builds) {
    const key = pipelineKey(build)
    const list = byPipeline.get(key)
    if (list) list.push(build)
    else byPipeline.set(key, [build])
  }
  const byRepo = new Map<string, { latest: number; branch: string; builds: Build[] }[]>()
  for (const list of byPipeline.values()) {
    list.sort((a, b) => b.number - a.number || time(b.updatedAt) - time(a.updatedAt))
    const head = list[0]!
    const pipelines = byRepo.get(head.repo) ?? []
    pipelines.push({
      latest: Math.max(...list.map((b) => time(b.updatedAt))),
      branch: head.branch,
      builds: keptHistory(list),
    })
    byRepo.set(head.repo, pipelines)
  }
  const kept: Build[] = []
  for (const pipelines of byRepo.values()) {
    pipelines.sort((a, b) => Number(b.branch === 'main') - Number(a.branch === 'main') || b.latest - a.latest)
    for (const pipeline of pipelines.slice(0, RETENTION.pipelinesPerRepo)) kept.push(...pipeline.builds)
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

export function deploymentTargetKey(d: Pick<Deployment, 'service' | 'environment'>): string {
  return `${d.service}\u0000${d.environment}`
}

/** The latest deployment per service and environment. */
export function retainDeployments(deployments: Iterable<Deployment>): Deployment[] {
  const latest = new Map<string, Deployment>()
  for (const d of deployments) {
    const key = deploymentTargetKey(d)
    const current = latest.get(key)
    if (!current || time(d.updatedAt) >= time(current.updatedAt)) latest.set(key, d)
  }
  return [...latest.values()]
}
