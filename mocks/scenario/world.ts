import type { Build, Deployment, PullRequest } from '../../src/protocol'
import { createCatalog, type Catalog, type Repo } from './catalog'
import { LogStore } from './logs'
import { createRng, type Rng } from './random'
import type { ScenarioConfig } from './scenarios'
import { Scheduler } from './scheduler'
import type { SimEvent, SimulatorOptions } from './types'

/** An open PR and what the simulator needs to move it on. */
export interface PrRun {
  entity: PullRequest
  repo: Repo
  branch: string
  /** The build whose result the PR's checks show. */
  buildId: string | null
  ticks: number
}

/** One service in one environment: at most one rollout at a time. */
export interface DeployTarget {
  key: string
  serviceIndex: number
  environment: 'staging' | 'production'
  counter: number
  latest: Deployment | null
  /** The version serving traffic (what the next deployment replaces). */
  runningVersion: string | null
  busy: boolean
  /** No new rollouts before this time (an incident being investigated). */
  frozenUntil: number
}

/** Everything one simulation holds; the lifecycle modules read and change it. */
export class World {
  readonly rng: Rng
  readonly catalog: Catalog
  readonly scheduler = new Scheduler()
  readonly logs = new LogStore()
  readonly builds = new Map<string, Build>()
  readonly pullRequests = new Map<string, PullRequest>()
  readonly openPrs = new Map<string, PrRun>()
  readonly targets: DeployTarget[] = []
  now: number
  /** Where emitted events go; replaced for every advance. */
  out: SimEvent[] = []
  /** Prune when a map grows past these, so retention work stays rare. */
  buildPruneAt = 0
  /** Merged and closed PRs in closing order, until retention lets them go. */
  closedPrs: { id: string; at: number }[] = []
  closedPrsHead = 0
  private isoMs = NaN
  private isoText = ''

  constructor(
    readonly opts: SimulatorOptions,
    readonly cfg: ScenarioConfig,
  ) {
    this.rng = createRng(opts.seed)
    this.now = opts.startTime
    this.catalog = createCatalog(this.rng, opts.repos, cfg.services, cfg.hostile)
  }

  get speed(): number {
    return this.opts.speed
  }

  /** A nominal lifecycle duration (ms at speed 1) as wall-clock ms in this run. */
  dur(nominalMs: number): number {
    return nominalMs / (this.opts.speed * this.cfg.pace)
  }

  iso(ms: number = this.now): string {
    // Several entities often change at the same instant; formatting once is enough.
    if (ms !== this.isoMs) {
      this.isoMs = ms
      this.isoText = new Date(ms).toISOString()
    }
    return this.isoText
  }

  emit(event: SimEvent): void {
    this.out.push(event)
  }

  after(delayMs: number, run: () => void): void {
    this.scheduler.at(this.now + Math.max(0, delayMs), run)
  }

  /** Runs `fn` as a Poisson process with `perMinute` arrivals per minute at speed 1. */
  every(perMinute: number, fn: () => void): void {
    if (!(perMinute > 0)) return
    // The mean is read per arrival, so a speed change (dev controls) applies from the next one.
    const mean = () => 60_000 / perMinute / this.opts.speed
    const tick = () => {
      fn()
      this.after(this.rng.exp(mean()), tick)
    }
    this.after(this.rng.exp(mean()), tick)
  }
}
