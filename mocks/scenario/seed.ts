import type { Build, PullRequest, Reviewer } from '../../src/protocol'
import { requiredApprovals } from '../../src/domain/pullRequests'
import { branchName, nextVersion, otherPeople, type Repo } from './catalog'
import { historicBuild, newCommit, queueBuild, seedRunningBuild } from './builds'
import { continueRollout, createTargets, newDeployment, targetOf } from './deployments'
import { adoptPullRequest, checksFollow, draftPullRequest } from './pullRequests'
import type { DeployTarget, PrRun, World } from './world'

// The board a wall shows when it is switched on in the middle of a working day.

const MINUTE = 60_000
const HOUR = 60 * MINUTE

interface PastBuild {
  branch: string
  status: 'passed' | 'failed' | 'canceled'
  finishedAt: number
}

function shuffledIndices(world: World, count: number): number[] {
  const indices = Array.from({ length: count }, (_, i) => i)
  for (let i = indices.length - 1; i > 0; i--) {
    const j = world.rng.int(0, i)
    ;[indices[i], indices[j]] = [indices[j]!, indices[i]!]
  }
  return indices
}

function everydayStatus(world: World): PastBuild['status'] {
  const { rng, cfg } = world
  if (rng.chance(cfg.buildCancelRate)) return 'canceled'
  return rng.chance(cfg.buildFailRate) ? 'failed' : 'passed'
}

function mainHistory(world: World, red: boolean): PastBuild[] {
  const { rng, cfg } = world
  const past: PastBuild[] = []
  let at: number
  if (red) {
    // An unbroken run of failures that began hours ago, and green before it.
    const redSince = world.now - rng.float(cfg.redForHours[0], cfg.redForHours[1]) * HOUR
    const failures = rng.int(2, 5)
    const latest = world.now - rng.float(5, 40) * MINUTE
    for (let i = 0; i < failures; i++) {
      past.push({ branch: 'main', status: 'failed', finishedAt: redSince + ((latest - redSince) * i) / (failures - 1) })
    }
    at = redSince
  } else {
    at = world.now - 2 * MINUTE - rng.exp(40 * MINUTE)
    past.push({ branch: 'main', status: 'passed', finishedAt: at })
  }
  const older = rng.int(2, 4)
  for (let i = 0; i < older; i++) {
    at -= rng.float(15, 120) * MINUTE
    past.push({ branch: 'main', status: i === 0 ? 'passed' : everydayStatus(world), finishedAt: at })
  }
  return past
}

function featureHistory(world: World): PastBuild[] {
  const { rng, catalog } = world
  const past: PastBuild[] = []
  const branches = rng.int(0, 2)
  for (let b = 0; b < branches; b++) {
    const branch = branchName(rng, catalog, rng.pick(catalog.developers))
    let at = world.now - rng.float(10, 8 * 60) * MINUTE
    for (let i = rng.int(1, 3); i > 0; i--) {
      past.push({ branch, status: everydayStatus(world), finishedAt: at })
      at -= rng.float(10, 90) * MINUTE
    }
  }
  return past
}

function seedBuildHistory(world: World): void {
  const { rng, cfg, catalog } = world
  const repos = catalog.repos
  const redCount = Math.min(repos.length, rng.int(cfg.redMains[0], cfg.redMains[1]))
  const red = new Set(shuffledIndices(world, repos.length).slice(0, redCount))
  repos.forEach((repo, index) => {
    repo.red = red.has(index)
    const past = [...mainHistory(world, repo.red), ...featureHistory(world)]
    past.sort((a, b) => a.finishedAt - b.finishedAt)
    for (const build of past) {
      historicBuild(world, repo, build.branch, ++repo.runNumber, build.status, build.finishedAt, newCommit(world))
    }
  })
}

type PrKind = 'ready' | 'waiting' | 'pending' | 'changes' | 'draft' | 'failing'
/** A fixed mix, so every board at start has ready, waiting, draft and failing PRs. */
const PR_MIX: readonly PrKind[] = ['ready', 'waiting', 'pending', 'ready', 'changes', 'draft', 'failing', 'waiting']

function reviewersFor(world: World, pr: PullRequest, kind: PrKind): Reviewer[] {
  const { rng, catalog } = world
  const needed = requiredApprovals(pr)
  const people = otherPeople(rng, catalog, needed + 2, [pr.author])
  const approved = (login: string): Reviewer => ({ login, state: 'approved' })
  switch (kind) {
    case 'ready':
      return people.slice(0, needed + rng.int(0, 1)).map(approved)
    case 'changes':
      return [{ login: people[0] ?? 'reviewer', state: 'changes_requested' }, ...people.slice(1, 2).map(approved)]
    case 'draft':
      return rng.chance(0.5) ? [] : people.slice(0, 1).map((login) => ({ login, state: 'pending' }))
    default:
      return people
        .slice(0, rng.int(1, 3))
        .map((login, i) => ({ login, state: i === 0 ? 'pending' : rng.pick(['approved', 'commented', 'pending']) }))
  }
}

function seedPullRequest(world: World, repo: Repo, kind: PrKind): PrRun {
  const { rng } = world
  const createdAt = world.now - rng.float(0.5, 72) * HOUR
  const updatedAt = world.now - rng.float(1, Math.min(25, (world.now - createdAt) / MINUTE)) * MINUTE
  const run = draftPullRequest(world, repo, createdAt)
  const greenOnly = world.cfg.buildFailRate === 0
  const checks =
    kind === 'pending'
      ? 'pending'
      : kind === 'failing' && !greenOnly
        ? 'failing'
        : kind === 'draft' && rng.chance(0.4)
          ? 'none'
          : 'passing'
  run.entity = {
    ...run.entity,
    draft: kind === 'draft',
    reviewers: reviewersFor(world, run.entity, kind),
    checks,
    mergeable:
      kind === 'ready'
        ? true
        : rng.weighted<boolean | null>([
            [true, 7],
            [null, 2],
            [false, 1],
          ]),
    updatedAt: world.iso(updatedAt),
  }
  const commit = newCommit(world, run.entity.author)
  let build: Build | undefined
  if (checks === 'pending')
    build = seedRunningBuild(world, repo, run.branch, commit, rng.float(0.05, 0.8), checksFollow(world, run))
  else if (checks !== 'none') {
    const status = checks === 'passing' ? 'passed' : 'failed'
    build = historicBuild(
      world,
      repo,
      run.branch,
      ++repo.runNumber,
      status,
      updatedAt - rng.float(0, 5) * MINUTE,
      commit,
    )
  }
  run.buildId = build?.id ?? null
  return run
}

function seedPullRequests(world: World): number {
  const { rng, cfg, catalog } = world
  const count = catalog.repos.length === 0 ? 0 : rng.int(cfg.openPrsAtStart[0], cfg.openPrsAtStart[1])
  let previous: PrRun | undefined
  let pending = 0
  for (let i = 0; i < count; i++) {
    const stacked = previous !== undefined && i % 6 === 1
    const repo = stacked ? previous!.repo : rng.pick(catalog.repos)
    const kind = PR_MIX[i % PR_MIX.length]!
    const run = seedPullRequest(world, repo, kind)
    if (run.entity.checks === 'pending') pending++
    // Stacked PRs: the one underneath blocks the one on top until it merges.
    if (stacked && previous) previous.entity = { ...previous.entity, blocks: [run.entity.id] }
    if (previous) adoptPullRequest(world, previous)
    previous = run
  }
  if (previous) adoptPullRequest(world, previous)
  return pending
}

function seedRunningBuilds(world: World, alreadyRunning: number): void {
  const { rng, cfg, catalog } = world
  if (catalog.repos.length === 0) return
  const order = shuffledIndices(world, catalog.repos.length)
  for (let i = 0; i < cfg.runningAtStart - alreadyRunning; i++) {
    const repo = catalog.repos[order[i % order.length]!]!
    const branch = rng.chance(0.4) ? 'main' : branchName(rng, catalog, rng.pick(catalog.developers))
    seedRunningBuild(world, repo, branch, newCommit(world), rng.float(0.05, 0.9))
  }
  for (let i = 0; i < cfg.queuedAtStart; i++) {
    const repo = rng.pick(catalog.repos)
    queueBuild(
      world,
      repo,
      rng.chance(0.5) ? 'main' : branchName(rng, catalog, rng.pick(catalog.developers)),
      newCommit(world),
    )
  }
}

function finishedDeployment(
  world: World,
  target: DeployTarget,
  version: string,
  finishedAt: number,
  status: 'succeeded' | 'failed' = 'succeeded',
): void {
  const deployment = newDeployment(world, target, version, finishedAt)
  target.latest = {
    ...deployment,
    status,
    rolloutPercent: status === 'succeeded' ? 100 : world.rng.int(15, 60),
    startedAt: world.iso(finishedAt - world.dur(world.rng.float(1, 6) * MINUTE)),
    finishedAt: world.iso(finishedAt),
  }
  if (status === 'succeeded') target.runningVersion = version
}

function seedDeployments(world: World): void {
  const { rng, catalog, cfg } = world
  createTargets(world)
  const incidentAt =
    cfg.productionIncident && catalog.services.length > 0 ? rng.int(0, catalog.services.length - 1) : -1
  const rollingAt =
    catalog.services.length > 1
      ? (incidentAt + 1 + rng.int(0, catalog.services.length - 2)) % catalog.services.length
      : -1
  // Staging is often ahead of production: that drift is what the grid makes visible.
  const drifting = shuffledIndices(world, catalog.services.length).filter((i) => i !== rollingAt)
  const ahead = new Set(drifting.slice(0, Math.max(2, Math.round(drifting.length * rng.float(0.3, 0.6)))))
  catalog.services.forEach((service, index) => {
    const staging = targetOf(world, index, 'staging')
    const production = targetOf(world, index, 'production')
    const releasedAt = world.now - rng.float(2, 30) * HOUR
    const old = nextVersion(rng, catalog, service, releasedAt - 3 * 24 * HOUR)
    staging.runningVersion = old
    production.runningVersion = old
    const current = nextVersion(rng, catalog, service, releasedAt)
    finishedDeployment(world, staging, current, releasedAt - rng.float(20, 180) * MINUTE)
    finishedDeployment(world, production, current, releasedAt)
    if (index === incidentAt || index === rollingAt || ahead.has(index)) {
      const ahead = nextVersion(rng, catalog, service, releasedAt)
      finishedDeployment(world, staging, ahead, world.now - rng.float(10, 110) * MINUTE)
    }
    if (index === incidentAt) {
      finishedDeployment(world, production, staging.runningVersion!, world.now - rng.float(10, 30) * MINUTE, 'failed')
      production.frozenUntil = world.now + (2 * HOUR) / world.speed
    } else if (index === rollingAt) {
      const started = world.now - world.dur(rng.float(0.5, 3) * MINUTE)
      const deployment = newDeployment(world, production, staging.runningVersion!, started)
      production.latest = {
        ...deployment,
        status: 'in_progress',
        rolloutPercent: rng.int(10, 85),
        startedAt: world.iso(started),
        updatedAt: world.iso(world.now - world.dur(rng.float(1, 10) * 1000)),
      }
      continueRollout(world, production)
    }
  })
}

/** Fills `world` with a lived-in board; events produced while doing so are not part of any advance. */
export function seedBoard(world: World): void {
  if (!world.cfg.livedIn) {
    createTargets(world)
    return
  }
  seedBuildHistory(world)
  const pendingPrBuilds = seedPullRequests(world)
  seedRunningBuilds(world, pendingPrBuilds)
  seedDeployments(world)
  world.out = []
}
