import type { Build, PullRequest, Reviewer, ReviewState } from '../../src/protocol'
import { isReadyToMerge, requiredApprovals } from '../../src/domain/pullRequests'
import { RETENTION } from '../../src/domain/retention'
import { branchName, commitMessage, otherPeople, person, url, type Repo } from './catalog'
import { newCommit, queueBuild } from './builds'
import type { PrRun, World } from './world'

/** An abandoned PR is closed after this many things happened to it without a merge. */
const MAX_TICKS = 60

function store(world: World, pr: PullRequest): void {
  world.pullRequests.set(pr.id, pr)
}

/**
 * Drops merged and closed PRs once they have lingered as long as the shared retention
 * policy allows. A closed PR never changes again, so a queue in closing order is enough.
 */
export function prunePullRequests(world: World): void {
  const closed = world.closedPrs
  while (
    closed.length > world.closedPrsHead &&
    world.now - closed[world.closedPrsHead]!.at >= RETENTION.closedPrLingerMs
  ) {
    const { id } = closed[world.closedPrsHead++]!
    const pr = world.pullRequests.get(id)
    if (pr && pr.state !== 'open') world.pullRequests.delete(id)
  }
  if (world.closedPrsHead > 1024 && world.closedPrsHead * 2 > closed.length) {
    world.closedPrs = closed.slice(world.closedPrsHead)
    world.closedPrsHead = 0
  }
}

function update(world: World, run: PrRun, changes: Partial<PullRequest>): void {
  run.entity = { ...run.entity, ...changes, updatedAt: world.iso() }
  store(world, run.entity)
  world.emit({ type: 'pull_request', data: run.entity })
}

function requiredApprovalsField(world: World): { requiredApprovals?: number } {
  const choice = world.rng.weighted<number | null>([
    [2, 55],
    [1, 15],
    [null, 30],
  ])
  return choice === null ? {} : { requiredApprovals: choice }
}

function prUrl(world: World, repo: Repo, number: number): string {
  return url(world.rng, world.catalog, `https://git.example.com/acme/${repo.key}/pull/${number}`)
}

/** The fields of a new PR; the caller decides its state, reviewers and checks. */
export function draftPullRequest(world: World, repo: Repo, createdAt: number): PrRun {
  const { rng, catalog } = world
  const number = ++repo.prNumber
  const author = person(rng, catalog)
  const entity: PullRequest = {
    id: `pr-${repo.key}-${number}`,
    repo: repo.name,
    number,
    title: commitMessage(rng, catalog),
    author,
    state: 'open',
    draft: false,
    reviewers: [],
    ...requiredApprovalsField(world),
    checks: 'none',
    comments: 0,
    mergeable: null,
    blocks: [],
    createdAt: world.iso(createdAt),
    updatedAt: world.iso(createdAt),
    url: prUrl(world, repo, number),
  }
  return { entity, repo, branch: branchName(rng, catalog, author), buildId: null, ticks: 0 }
}

/** Makes an open PR part of the live simulation: stored, indexed and moving on. */
export function adoptPullRequest(world: World, run: PrRun): void {
  world.openPrs.set(run.entity.id, run)
  run.repo.openPrIds.add(run.entity.id)
  world.pullRequests.set(run.entity.id, run.entity)
  scheduleTick(world, run)
}

/** The PR's checks follow the result of its latest build. */
export function checksFollow(world: World, run: PrRun): (build: Build) => void {
  return (build) => {
    if (run.entity.state !== 'open' || run.buildId !== build.id) return
    update(world, run, { checks: build.status === 'passed' ? 'passing' : 'failing' })
  }
}

export function openPullRequest(world: World, repo: Repo): void {
  const { rng, catalog } = world
  const run = draftPullRequest(world, repo, world.now)
  const reviewers = otherPeople(rng, catalog, rng.int(0, 2), [run.entity.author])
  run.entity = {
    ...run.entity,
    draft: rng.chance(0.2),
    reviewers: reviewers.map((login) => ({ login, state: 'pending' })),
    checks: 'pending',
  }
  const stackedOn = rng.chance(0.15) ? firstOpenPr(world, repo) : undefined
  adoptPullRequest(world, run)
  world.emit({ type: 'pull_request', data: run.entity })
  startChecks(world, run)
  if (stackedOn) addBlock(world, stackedOn, run.entity.id)
}

function firstOpenPr(world: World, repo: Repo, except?: string): PrRun | undefined {
  for (const id of repo.openPrIds) {
    if (id !== except) return world.openPrs.get(id)
  }
  return undefined
}

function addBlock(world: World, blocker: PrRun, blockedId: string): void {
  if (blocker.entity.blocks.includes(blockedId)) return
  update(world, blocker, { blocks: [...blocker.entity.blocks, blockedId] })
}

function startChecks(world: World, run: PrRun): void {
  const build = queueBuild(world, run.repo, run.branch, newCommit(world, run.entity.author), checksFollow(world, run))
  run.buildId = build.id
}

/** A new commit on the PR: checks start over and anyone who asked for changes is asked again. */
function push(world: World, run: PrRun, changes: Partial<PullRequest> = {}): void {
  const reviewers = run.entity.reviewers.map((r): Reviewer =>
    r.state === 'changes_requested' ? { ...r, state: 'pending' } : r,
  )
  update(world, run, { checks: 'pending', reviewers, ...changes })
  startChecks(world, run)
}

function isBlocked(world: World, run: PrRun): boolean {
  for (const id of run.repo.openPrIds) {
    if (world.openPrs.get(id)?.entity.blocks.includes(run.entity.id)) return true
  }
  return false
}

function close(world: World, run: PrRun, state: 'merged' | 'closed'): void {
  world.openPrs.delete(run.entity.id)
  run.repo.openPrIds.delete(run.entity.id)
  update(world, run, { state })
  world.closedPrs.push({ id: run.entity.id, at: world.now })
  if (state === 'merged') {
    const commit = { ...newCommit(world, run.entity.author), message: `${run.entity.title} (#${run.entity.number})` }
    queueBuild(world, run.repo, 'main', commit)
  }
}

function commentCount(pr: PullRequest): number {
  return typeof pr.comments === 'number' ? pr.comments : 0
}

function review(world: World, run: PrRun, index: number, state: ReviewState): void {
  const reviewers = run.entity.reviewers.map((r, i) => (i === index ? { ...r, state } : r))
  update(world, run, { reviewers })
}

function scheduleTick(world: World, run: PrRun): void {
  world.after(world.dur(world.rng.exp(world.cfg.prActivityMs)), () => tick(world, run))
}

/** One thing happens to an open PR, chosen by where it stands. */
function tick(world: World, run: PrRun): void {
  if (run.entity.state !== 'open' || world.openPrs.get(run.entity.id) !== run) return
  const { rng, catalog } = world
  const pr = run.entity
  run.ticks++
  scheduleTick(world, run)
  if (run.ticks > MAX_TICKS || rng.chance(0.01)) return close(world, run, 'closed')
  if (pr.checks === 'pending' && (run.buildId === null || !world.builds.has(run.buildId))) return push(world, run)
  if (pr.draft) {
    if (rng.chance(0.35)) update(world, run, { draft: false })
    else if (rng.chance(0.3)) push(world, run)
    return
  }
  if (pr.mergeable === null && pr.checks !== 'pending' && rng.chance(0.6)) {
    return update(world, run, { mergeable: !rng.chance(0.1) })
  }
  if (pr.mergeable === false && rng.chance(0.5)) return push(world, run, { mergeable: true })
  if (pr.checks === 'failing' && rng.chance(0.5)) return push(world, run)
  const requested = pr.reviewers.findIndex((r) => r.state === 'changes_requested')
  if (requested >= 0 && rng.chance(0.4)) return push(world, run)
  const pending = pr.reviewers.findIndex((r) => r.state === 'pending' || r.state === 'commented')
  if (pending >= 0 && rng.chance(0.25)) {
    const fail = world.cfg.buildFailRate > 0 ? 1 : 0.3
    return review(
      world,
      run,
      pending,
      rng.weighted<ReviewState>([
        ['approved', 6],
        ['changes_requested', 1.5 * fail],
        ['commented', 2],
      ]),
    )
  }
  if (pr.reviewers.length < requiredApprovals(pr) + 1 && rng.chance(0.5)) {
    const [login] = otherPeople(rng, catalog, 1, [pr.author, ...pr.reviewers.map((r) => r.login)])
    if (login) return update(world, run, { reviewers: [...pr.reviewers, { login, state: 'pending' }] })
  }
  if (isReadyToMerge(pr) && !isBlocked(world, run) && rng.chance(0.15)) return close(world, run, 'merged')
  if (pr.blocks.length === 0 && rng.chance(0.03)) {
    const other = firstOpenPr(world, run.repo, pr.id)
    if (other && !other.entity.blocks.includes(pr.id)) return addBlock(world, run, other.entity.id)
  }
  // Discussion: most ticks are a comment; now and then the title is reworded.
  if (rng.chance(0.1)) return update(world, run, { title: commitMessage(rng, catalog) })
  if (rng.chance(0.6)) update(world, run, { comments: commentCount(pr) + 1 })
}
