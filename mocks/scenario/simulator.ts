import { retainBuilds, retainDeployments, retainPullRequests } from '../../src/domain/retention'
import { branchName } from './catalog'
import { newCommit, pruneBuilds, queueBuild } from './builds'
import { release } from './deployments'
import { openPullRequest, prunePullRequests } from './pullRequests'
import { SCENARIO_CONFIGS } from './scenarios'
import { seedBoard } from './seed'
import type { SimEvent, SimState, Simulator, SimulatorOptions } from './types'
import { World } from './world'

/**
 * The most simulated time one advance() catches up on. After a longer gap (a laptop waking
 * from sleep, a stalled timer) the rest is skipped as a quiet spell: everything pending is
 * postponed by the skipped span, so the burst a client receives stays bounded.
 */
export const MAX_CATCH_UP_SIMULATED_MS = 60 * 60_000
/** And the most events one advance() returns; past it the remaining gap is skipped likewise. */
export const MAX_EVENTS_PER_ADVANCE = 100_000
/** How often (simulated ms) retention and log expiry run even when nothing grows. */
const HOUSEKEEPING_MS = 30_000

export interface SimulatorStats {
  builds: number
  pullRequests: number
  openPullRequests: number
  deployments: number
  /** Builds whose log is held, and the lines in them. */
  logs: number
  logLines: number
  /** Actions waiting in the scheduler. */
  scheduled: number
}

/** The simulator, plus counters of what it holds (for tests and benchmarks of boundedness). */
export interface SeededSimulator extends Simulator {
  stats(): SimulatorStats
}

/** What the dev controls (controls.ts) act on; not part of the Simulator contract. */
export interface SimulatorInternals {
  world: World
  /** Moves the clock on by `ms` with nothing happening: everything pending is postponed. */
  skip(ms: number): void
}

const INTERNALS = new WeakMap<Simulator, SimulatorInternals>()

/** The world behind a simulator made by createSimulator, or undefined for any other Simulator. */
export function simulatorInternals(sim: Simulator): SimulatorInternals | undefined {
  return INTERNALS.get(sim)
}

function checkOptions(opts: SimulatorOptions): void {
  if (!Number.isFinite(opts.speed) || opts.speed <= 0)
    throw new RangeError(`speed must be a positive number, got ${opts.speed}`)
  if (!Number.isInteger(opts.repos) || opts.repos < 0)
    throw new RangeError(`repos must be a whole number, got ${opts.repos}`)
  if (!Number.isFinite(opts.startTime)) throw new RangeError(`startTime must be a time in ms, got ${opts.startTime}`)
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a number, got ${opts.seed}`)
}

function startArrivals(world: World): void {
  const { cfg, catalog, rng } = world
  if (catalog.repos.length > 0) {
    world.every(cfg.directPushesPerMin, () => {
      const repo = rng.pick(catalog.repos)
      const branch = rng.chance(0.5) ? 'main' : branchName(rng, catalog, rng.pick(catalog.developers))
      queueBuild(world, repo, branch, newCommit(world))
    })
    world.every(cfg.prsOpenedPerMin, () => openPullRequest(world, rng.pick(catalog.repos)))
  }
  world.every(cfg.releasesPerMin, () => release(world))
  const housekeeping = () => {
    // Builds are pruned as they are added (see builds.ts); closed PRs also age out with time.
    world.logs.expire(world.now)
    prunePullRequests(world)
    world.after(HOUSEKEEPING_MS / world.speed, housekeeping)
  }
  world.after(HOUSEKEEPING_MS / world.speed, housekeeping)
}

export function createSimulator(opts: SimulatorOptions): SeededSimulator {
  checkOptions(opts)
  const world = new World(opts, SCENARIO_CONFIGS[opts.scenario ?? 'normal'])
  seedBoard(world)
  pruneBuilds(world)
  prunePullRequests(world)
  startArrivals(world)
  world.out = []

  const skip = (ms: number) => {
    world.scheduler.shift(ms)
    world.now += ms
  }

  const sim: SeededSimulator = {
    state(): SimState {
      return {
        builds: retainBuilds(world.builds.values()),
        pullRequests: retainPullRequests(world.pullRequests.values(), world.now),
        deployments: retainDeployments(world.targets.flatMap((t) => (t.latest ? [t.latest] : []))),
      }
    },

    advance(now: number): SimEvent[] {
      if (!(now > world.now)) return []
      const out: SimEvent[] = []
      world.out = out
      const limit = MAX_CATCH_UP_SIMULATED_MS / world.speed
      if (now - world.now > limit) skip(now - world.now - limit)
      const scheduler = world.scheduler
      while (scheduler.peekTime() <= now) {
        if (out.length >= MAX_EVENTS_PER_ADVANCE) {
          skip(now - world.now)
          break
        }
        const next = scheduler.pop()!
        world.now = next.at
        next.run()
      }
      world.now = now
      world.logs.expire(now)
      world.out = []
      return out
    },

    logBacklog(buildId: string): string[] {
      return world.logs.get(buildId)?.lines.slice() ?? []
    },

    stats(): SimulatorStats {
      let open = 0
      for (const pr of world.pullRequests.values()) if (pr.state === 'open') open++
      return {
        builds: world.builds.size,
        pullRequests: world.pullRequests.size,
        openPullRequests: open,
        deployments: world.targets.filter((t) => t.latest).length,
        logs: world.logs.size,
        logLines: world.logs.lineCount(),
        scheduled: world.scheduler.size,
      }
    },
  }
  INTERNALS.set(sim, { world, skip })
  return sim
}
