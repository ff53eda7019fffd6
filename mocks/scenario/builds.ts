import type { Build, BuildStatus } from '../../src/protocol'
import { retainBuilds } from '../../src/domain/retention'
import { commitMessage, person, url, type Repo } from './catalog'
import { BuildLog, plannedLineCount } from './logs'
import type { World } from './world'

type Outcome = Extract<BuildStatus, 'passed' | 'failed' | 'canceled'>

export interface Commit {
  sha: string
  message: string
  author: string
}

export type BuildFinished = (build: Build) => void

/** A queued or running build and what it will do next. */
interface BuildRun {
  entity: Build
  repo: Repo
  outcome: Outcome
  /** Wall ms from start to finish in this run. */
  runMs: number
  /** How much of its planned log the build prints before it ends (failures stop early). */
  logShare: number
  onFinish: BuildFinished | undefined
}

/** Log lines arrive every second or two at speed 1; never more often than this, whatever the speed. */
const MIN_LOG_TICK_MS = 200
/** A finished build's log stays followable this long (simulated ms). */
const LOG_KEEP_AFTER_FINISH_MS = 10 * 60_000
const MAX_LINES_PER_EVENT = 5_000

export function newCommit(world: World, author?: string): Commit {
  const { rng, catalog } = world
  return { sha: rng.hex(40), message: commitMessage(rng, catalog), author: author ?? person(rng, catalog) }
}

/** Nominal duration (ms at speed 1) a pipeline is expected to take: feature branches run less. */
function nominalDuration(repo: Repo, branch: string): number {
  return branch === 'main' ? repo.mainDurationMs : Math.round(repo.mainDurationMs * 0.6)
}

function buildUrl(world: World, repo: Repo, number: number): string {
  return url(world.rng, world.catalog, `https://ci.example.com/${repo.key}/builds/${number}`)
}

function chooseOutcome(world: World, repo: Repo, branch: string): Outcome {
  const { cfg, rng } = world
  if (rng.chance(cfg.buildCancelRate)) return 'canceled'
  const failRate = repo.red && branch === 'main' ? cfg.redRepoFailRate : cfg.buildFailRate
  return rng.chance(failRate) ? 'failed' : 'passed'
}

function store(world: World, build: Build): void {
  world.builds.set(build.id, build)
  if (world.builds.size > world.buildPruneAt) pruneBuilds(world)
}

/** Applies the shared retention policy so the simulator never holds more than a page would. */
export function pruneBuilds(world: World): void {
  const kept = retainBuilds(world.builds.values())
  if (kept.length < world.builds.size) {
    world.builds.clear()
    for (const build of kept) world.builds.set(build.id, build)
    world.logs.retain((id) => world.builds.has(id))
  }
  world.buildPruneAt = world.builds.size + 256
}

/** Still the entity the simulator holds, i.e. not dropped by retention meanwhile. */
function alive(world: World, run: BuildRun): boolean {
  return world.builds.get(run.entity.id) === run.entity
}

function update(world: World, run: BuildRun, changes: Partial<Build>): void {
  run.entity = { ...run.entity, ...changes, updatedAt: world.iso() }
  store(world, run.entity)
  world.emit({ type: 'build', data: run.entity })
}

function createRun(world: World, repo: Repo, branch: string, commit: Commit, onFinish?: BuildFinished): BuildRun {
  const number = ++repo.runNumber
  const nominal = nominalDuration(repo, branch)
  const outcome = chooseOutcome(world, repo, branch)
  const jitter = world.rng.float(0.8, 1.25)
  const logShare =
    outcome === 'passed' ? 1 : outcome === 'failed' ? world.rng.float(0.6, 0.98) : world.rng.float(0.1, 0.9)
  const entity: Build = {
    id: `b-${repo.key}-${number}`,
    repo: repo.name,
    branch,
    number,
    status: 'queued',
    commit: { ...commit },
    startedAt: null,
    finishedAt: null,
    updatedAt: world.iso(),
    expectedDurationMs: Math.round(world.dur(nominal)),
    url: buildUrl(world, repo, number),
  }
  return { entity, repo, outcome, runMs: world.dur(nominal * jitter) * logShare, logShare, onFinish }
}

/** A new build: queued now, running after a short wait, then finished. */
export function queueBuild(world: World, repo: Repo, branch: string, commit: Commit, onFinish?: BuildFinished): Build {
  const run = createRun(world, repo, branch, commit, onFinish)
  store(world, run.entity)
  world.emit({ type: 'build', data: run.entity })
  world.after(world.dur(2_000 + world.rng.exp(15_000)), () => {
    if (alive(world, run)) startRun(world, run, world.now)
  })
  return run.entity
}

/**
 * Starts a build that began at `startedAt` (possibly in the past, for the board at start):
 * prints its log as it goes and finishes after its run time.
 */
function startRun(world: World, run: BuildRun, startedAt: number): void {
  const fresh = run.entity.status === 'queued' && startedAt === world.now
  const entity: Build = { ...run.entity, status: 'running', startedAt: world.iso(startedAt) }
  if (fresh) update(world, run, entity)
  else {
    run.entity = { ...entity, updatedAt: world.iso(startedAt) }
    store(world, run.entity)
  }
  const repo = run.repo
  const log = new BuildLog(
    world.opts.seed,
    { ...run.entity.commit, id: run.entity.id, branch: run.entity.branch, hostile: world.catalog.hostile },
    Math.round(plannedLineCount(nominalDuration(repo, run.entity.branch) / world.cfg.pace) * run.logShare),
  )
  world.logs.open(run.entity.id, log)
  const endAt = startedAt + run.runMs
  const tick = () => {
    if (!alive(world, run) || run.entity.status !== 'running') return
    emitLines(world, run.entity.id, log.advanceTo((world.now - startedAt) / (endAt - startedAt)))
    const next = Math.max(MIN_LOG_TICK_MS, world.dur(world.rng.float(1_000, 2_000)))
    if (world.now + next < endAt) world.after(next, tick)
  }
  tick()
  world.scheduler.at(Math.max(endAt, world.now), () => {
    if (alive(world, run)) finishRun(world, run, log, startedAt)
  })
}

function emitLines(world: World, buildId: string, lines: string[]): void {
  if (lines.length === 0) return
  if (lines.length <= MAX_LINES_PER_EVENT) return world.emit({ type: 'log', data: { buildId, lines } })
  for (let i = 0; i < lines.length; i += MAX_LINES_PER_EVENT) {
    world.emit({ type: 'log', data: { buildId, lines: lines.slice(i, i + MAX_LINES_PER_EVENT) } })
  }
}

function finishRun(world: World, run: BuildRun, log: BuildLog, startedAt: number): void {
  const { repo, outcome } = run
  const canceledBy = person(world.rng, world.catalog)
  emitLines(world, run.entity.id, log.finish(outcome, (world.now - startedAt) * world.speed, canceledBy))
  update(world, run, { status: outcome, finishedAt: world.iso() })
  world.logs.finished(run.entity.id, world.now + LOG_KEEP_AFTER_FINISH_MS / world.speed)
  // Red runs last a while: a failure on main sometimes leaves it broken for several builds.
  if (run.entity.branch === 'main') {
    if (outcome === 'passed') repo.red = false
    else if (outcome === 'failed' && world.rng.chance(0.35)) repo.red = true
  }
  run.onFinish?.(run.entity)
}

/** A build already running when the simulation starts, `elapsed` (0..1) of the way through. */
export function seedRunningBuild(
  world: World,
  repo: Repo,
  branch: string,
  commit: Commit,
  elapsed: number,
  onFinish?: BuildFinished,
): Build {
  const run = createRun(world, repo, branch, commit, onFinish)
  const startedAt = world.now - run.runMs * Math.min(Math.max(elapsed, 0), 0.95)
  run.entity = { ...run.entity, updatedAt: world.iso(startedAt) }
  startRun(world, run, startedAt)
  return run.entity
}

/** A finished build from before the simulation started; numbers are assigned by the caller in time order. */
export function historicBuild(
  world: World,
  repo: Repo,
  branch: string,
  number: number,
  status: Outcome,
  finishedAt: number,
  commit: Commit,
): Build {
  const nominal = nominalDuration(repo, branch)
  const took = world.dur(nominal) * world.rng.float(0.8, 1.25) * (status === 'passed' ? 1 : world.rng.float(0.2, 0.95))
  const build: Build = {
    id: `b-${repo.key}-${number}`,
    repo: repo.name,
    branch,
    number,
    status,
    commit: { ...commit },
    startedAt: world.iso(finishedAt - took),
    finishedAt: world.iso(finishedAt),
    updatedAt: world.iso(finishedAt),
    expectedDurationMs: Math.round(world.dur(nominal)),
    url: buildUrl(world, repo, number),
  }
  world.builds.set(build.id, build)
  return build
}
