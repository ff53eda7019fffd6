import type { Build, Deployment, PullRequest } from '../../src/protocol'
import { newCommit } from './builds'
import { otherPeople, nextVersion, type Repo } from './catalog'
import { continueRollout, newDeployment, targetOf } from './deployments'
import { adoptPullRequest, draftPullRequest } from './pullRequests'
import { simulatorInternals } from './simulator'
import type { SimEvent, SimState, Simulator } from './types'
import type { DeployTarget, World } from './world'

// Dev controls: bring about a state on demand instead of waiting for the simulator to happen
// upon it. Actions change the simulator's own world (so it carries on from there) and use its
// seeded random source, so the same calls in the same order at the same times give the same board.

export const DEV_ACTIONS = [
  'fail-build',
  'fix-build',
  'open-ready-pr',
  'make-blocking',
  'start-rollout',
  'fail-deployment',
] as const
export type DevAction = (typeof DEV_ACTIONS)[number]

export const MAX_SPEED = 1000

export interface ActionResult {
  ok: boolean
  /** What happened, for the dev panel. */
  message: string
  /** The id of the entity the action made or changed, if any. */
  id: string | null
  /** Everything that happened: the simulator's events up to now, then the action's, in order. */
  events: SimEvent[]
}

export interface ControlledSimulator extends Simulator {
  readonly paused: boolean
  readonly speed: number
  /** Stops time for the simulator: nothing happens until resume, and what was pending is postponed. */
  pause(): void
  resume(): void
  setSpeed(speed: number): void
  act(action: DevAction, now: number): ActionResult
}

export function isDevAction(value: unknown): value is DevAction {
  return typeof value === 'string' && (DEV_ACTIONS as readonly string[]).includes(value)
}

type Outcome = Omit<ActionResult, 'events'>

const done = (message: string, id: string | null = null): Outcome => ({ ok: true, message, id })
const refused = (message: string): Outcome => ({ ok: false, message, id: null })

/** Wraps a simulator made by createSimulator; throws for any other Simulator. */
export function controlSimulator(sim: Simulator): ControlledSimulator {
  const internals = simulatorInternals(sim)
  if (!internals) throw new TypeError('controlSimulator needs a simulator made by createSimulator')
  const { world } = internals
  let paused = false
  /** The pipeline the last fail-build turned red, so fix-build repairs that one first. */
  let lastFailedRepo: Repo | null = null

  const catchUp = (now: number): SimEvent[] => {
    if (!paused) return sim.advance(now)
    // Paused: time passes with nothing happening, so entity times stay true wall-clock times.
    if (now > world.now) internals.skip(now - world.now)
    return []
  }

  const actions: Record<DevAction, () => Outcome> = {
    'fail-build': () => {
      const outcome = failBuild(world)
      lastFailedRepo = outcome.repo
      return outcome
    },
    'fix-build': () => fixBuild(world, lastFailedRepo),
    'open-ready-pr': () => openReadyPr(world),
    'make-blocking': () => makeBlocking(world),
    'start-rollout': () => startProductionRollout(world),
    'fail-deployment': () => failDeployment(world),
  }

  return {
    get paused() {
      return paused
    },
    get speed() {
      return world.speed
    },
    state: (): SimState => sim.state(),
    logBacklog: (buildId: string) => sim.logBacklog(buildId),
    advance: (now: number) => catchUp(now),
    pause() {
      paused = true
    },
    resume() {
      paused = false
    },
    setSpeed(speed: number) {
      if (!Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
        throw new RangeError(`speed must be above 0 and at most ${MAX_SPEED}, got ${speed}`)
      }
      // The world reads its speed from its options on every new delay: what is already
      // scheduled keeps its time, everything after follows the new speed.
      ;(world.opts as { speed: number }).speed = speed
    },
    act(action: DevAction, now: number): ActionResult {
      const events = catchUp(now)
      const out: SimEvent[] = []
      world.out = out
      try {
        const { ok, message, id } = actions[action]()
        return { ok, message, id, events: events.concat(out) }
      } finally {
        world.out = []
      }
    },
  }
}

// ---- builds ---------------------------------------------------------------

function repoOf(world: World, name: string): Repo | undefined {
  return world.catalog.repos.find((r) => r.name === name)
}

function latestMainBuild(world: World, repo: Repo, finishedOnly: boolean): Build | undefined {
  let latest: Build | undefined
  for (const b of world.builds.values()) {
    if (b.repo !== repo.name || b.branch !== 'main') continue
    if (finishedOnly && (b.status === 'queued' || b.status === 'running')) continue
    if (!latest || b.number > latest.number) latest = b
  }
  return latest
}

function storeBuild(world: World, build: Build): void {
  world.builds.set(build.id, build)
  world.emit({ type: 'build', data: build })
}

/** A finished build on main, numbered by the repository's own counter so ids never collide. */
function finishedMainBuild(world: World, repo: Repo, status: 'passed' | 'failed'): Build {
  const number = ++repo.runNumber
  const took = world.dur(repo.mainDurationMs)
  return {
    id: `b-${repo.key}-${number}`,
    repo: repo.name,
    branch: 'main',
    number,
    status,
    commit: { ...newCommit(world) },
    startedAt: world.iso(world.now - took),
    finishedAt: world.iso(),
    updatedAt: world.iso(),
    expectedDurationMs: Math.round(took),
    url: `https://ci.example.com/${repo.key}/builds/${number}`,
  }
}

/**
 * Fails a running build on main (its run in the simulator then stops: the world holds a
 * different entity under its id), or, with none running, adds a failed build to a green main.
 */
function failBuild(world: World): Outcome & { repo: Repo | null } {
  const { repos } = world.catalog
  if (repos.length === 0) return { ...refused('no repositories in this scenario'), repo: null }
  let running: Build | undefined
  for (const b of world.builds.values()) {
    if (b.branch === 'main' && b.status === 'running' && (!running || b.updatedAt > running.updatedAt)) running = b
  }
  const repo = (running && repoOf(world, running.repo)) || greenRepo(world) || world.rng.pick(repos)
  let failed: Build
  if (running && repo.name === running.repo) {
    failed = { ...running, status: 'failed', finishedAt: world.iso(), updatedAt: world.iso() }
    world.logs.finished(failed.id, world.now + world.dur(10 * 60_000))
    world.emit({
      type: 'log',
      data: { buildId: failed.id, lines: ['\u001b[31mERROR\u001b[0m build failed (dev panel)'] },
    })
  } else {
    failed = finishedMainBuild(world, repo, 'failed')
  }
  storeBuild(world, failed)
  repo.red = true
  failPullRequestChecks(world, failed.id)
  return { ...done(`failed ${failed.repo} main #${failed.number}`, failed.id), repo }
}

function greenRepo(world: World): Repo | undefined {
  const green = world.catalog.repos.filter((r) => latestMainBuild(world, r, true)?.status === 'passed')
  return green.length > 0 ? world.rng.pick(green) : undefined
}

function failPullRequestChecks(world: World, buildId: string): void {
  for (const run of world.openPrs.values()) {
    if (run.buildId !== buildId) continue
    run.entity = { ...run.entity, checks: 'failing', updatedAt: world.iso() }
    world.pullRequests.set(run.entity.id, run.entity)
    world.emit({ type: 'pull_request', data: run.entity })
  }
}

/** A passing build on a red main: the one the last fail-build broke, else any red one. */
function fixBuild(world: World, preferred: Repo | null): Outcome {
  const isRed = (r: Repo) => latestMainBuild(world, r, true)?.status === 'failed'
  const repo = preferred && isRed(preferred) ? preferred : world.catalog.repos.find(isRed)
  if (!repo) return refused('no red main to fix')
  const fixed = finishedMainBuild(world, repo, 'passed')
  storeBuild(world, fixed)
  repo.red = false
  return done(`fixed ${fixed.repo} main with #${fixed.number}`, fixed.id)
}

// ---- pull requests ----------------------------------------------------------

function publishPullRequest(world: World, pr: PullRequest): void {
  world.pullRequests.set(pr.id, pr)
  world.emit({ type: 'pull_request', data: pr })
}

/** An open PR with two approvals, passing checks and no conflict; the simulator may merge it later. */
function openReadyPr(world: World): Outcome {
  const { repos } = world.catalog
  if (repos.length === 0) return refused('no repositories in this scenario')
  const run = draftPullRequest(world, world.rng.pick(repos), world.now)
  const approvers = otherPeople(world.rng, world.catalog, 2, [run.entity.author])
  run.entity = {
    ...run.entity,
    draft: false,
    requiredApprovals: approvers.length,
    reviewers: approvers.map((login) => ({ login, state: 'approved' })),
    checks: 'passing',
    mergeable: true,
  }
  adoptPullRequest(world, run)
  world.emit({ type: 'pull_request', data: run.entity })
  return done(`opened ready ${run.entity.repo}#${run.entity.number}`, run.entity.id)
}

/** Makes an open PR block another open one of the same repository, opening one if needed. */
function makeBlocking(world: World): Outcome {
  const { repos } = world.catalog
  if (repos.length === 0) return refused('no repositories in this scenario')
  const open = (r: Repo) => [...r.openPrIds].flatMap((id) => world.openPrs.get(id) ?? [])
  let repo = repos.find((r) => open(r).length >= 2 && open(r).some((run) => run.entity.blocks.length === 0))
  repo ??= repos.find((r) => open(r).length >= 1) ?? world.rng.pick(repos)
  while (open(repo).length < 2) {
    const run = draftPullRequest(world, repo, world.now)
    adoptPullRequest(world, run)
    world.emit({ type: 'pull_request', data: run.entity })
  }
  const runs = open(repo)
  const blocker = runs.find((run) => run.entity.blocks.length === 0) ?? runs[0]!
  const blocked = runs.find((run) => run !== blocker && !blocker.entity.blocks.includes(run.entity.id))
  if (!blocked) return refused(`${blocker.entity.id} already blocks every open PR of its repository`)
  blocker.entity = { ...blocker.entity, blocks: [...blocker.entity.blocks, blocked.entity.id], updatedAt: world.iso() }
  publishPullRequest(world, blocker.entity)
  return done(`${blocker.entity.repo}#${blocker.entity.number} now blocks #${blocked.entity.number}`, blocker.entity.id)
}

// ---- deployments ------------------------------------------------------------

function publishDeployment(world: World, target: DeployTarget, deployment: Deployment): void {
  target.latest = deployment
  world.emit({ type: 'deployment', data: deployment })
}

function productionTargets(world: World): DeployTarget[] {
  return world.targets.filter((t) => t.environment === 'production')
}

/** A new version starts rolling out to production now; the simulator rolls it on from there. */
function startProductionRollout(world: World): Outcome {
  const free = productionTargets(world).filter((t) => !t.busy)
  if (world.targets.length === 0) return refused('no services in this scenario')
  if (free.length === 0) return refused('every production target is already rolling out')
  const target = world.rng.pick(free)
  const staging = targetOf(world, target.serviceIndex, 'staging')
  const service = world.catalog.services[target.serviceIndex]!
  const version =
    staging.runningVersion !== null && staging.runningVersion !== target.runningVersion
      ? staging.runningVersion
      : nextVersion(world.rng, world.catalog, service, world.now)
  const deployment: Deployment = {
    ...newDeployment(world, target, version, world.now),
    status: 'in_progress',
    rolloutPercent: 0,
    startedAt: world.iso(),
  }
  publishDeployment(world, target, deployment)
  continueRollout(world, target)
  return done(`rolling ${deployment.service} ${deployment.version} out to production`, deployment.id)
}

/**
 * Fails a rollout in progress (production first); with none, a new production rollout fails
 * part-way. The target is then frozen a while, as a team investigating would.
 */
function failDeployment(world: World): Outcome {
  if (world.targets.length === 0) return refused('no services in this scenario')
  const rolling = (t: DeployTarget) => t.latest?.status === 'in_progress' || t.latest?.status === 'queued'
  const target =
    productionTargets(world).find(rolling) ?? world.targets.find(rolling) ?? world.rng.pick(productionTargets(world))
  let failed: Deployment
  if (target.latest && rolling(target)) {
    // The rollout's pending step sees a status other than in_progress and stops.
    failed = {
      ...target.latest,
      status: 'failed',
      startedAt: target.latest.startedAt ?? world.iso(),
      finishedAt: world.iso(),
      updatedAt: world.iso(),
    }
  } else {
    const service = world.catalog.services[target.serviceIndex]!
    const version = nextVersion(world.rng, world.catalog, service, world.now)
    failed = {
      ...newDeployment(world, target, version, world.now),
      status: 'failed',
      rolloutPercent: world.rng.int(10, 60),
      startedAt: world.iso(world.now - world.dur(60_000)),
      finishedAt: world.iso(),
    }
  }
  target.busy = false
  target.frozenUntil = world.now + world.dur(30 * 60_000)
  publishDeployment(world, target, failed)
  return done(`failed ${failed.service} ${failed.version} on ${failed.environment}`, failed.id)
}
