import type { Deployment, DeploymentStatus } from '../../src/protocol'
import { nextVersion, person, url } from './catalog'
import type { DeployTarget, World } from './world'

type Outcome = Extract<DeploymentStatus, 'succeeded' | 'failed' | 'rolled_back'>

export const ENVIRONMENTS = ['staging', 'production'] as const

/** Nominal wait between two rollout steps (ms at speed 1): production rolls out more carefully. */
const STEP_MS = { staging: [6_000, 12_000], production: [10_000, 25_000] } as const

export function createTargets(world: World): void {
  world.catalog.services.forEach((service, serviceIndex) => {
    for (const environment of ENVIRONMENTS) {
      world.targets.push({
        key: `${service.key}-${environment}`,
        serviceIndex,
        environment,
        counter: world.rng.int(20, 400),
        latest: null,
        runningVersion: null,
        busy: false,
        frozenUntil: -Infinity,
      })
    }
  })
}

export function targetOf(world: World, serviceIndex: number, environment: 'staging' | 'production'): DeployTarget {
  return world.targets[serviceIndex * 2 + (environment === 'staging' ? 0 : 1)]!
}

function deployer(world: World): string {
  return world.rng.chance(0.25) ? 'release-bot' : person(world.rng, world.catalog)
}

/** A deployment entity for `target`, numbered next; fields are completed by the caller. */
export function newDeployment(world: World, target: DeployTarget, version: string, at: number): Deployment {
  const number = ++target.counter
  const service = world.catalog.services[target.serviceIndex]!
  return {
    id: `d-${target.key}-${number}`,
    service: service.name,
    environment: target.environment,
    version,
    previousVersion: target.runningVersion,
    status: 'queued',
    rolloutPercent: 0,
    deployedBy: deployer(world),
    startedAt: null,
    finishedAt: null,
    updatedAt: world.iso(at),
    url: url(world.rng, world.catalog, `https://deploy.example.com/${target.key}/${number}`),
  }
}

function publish(world: World, target: DeployTarget, deployment: Deployment): void {
  target.latest = deployment
  world.emit({ type: 'deployment', data: deployment })
}

function chooseOutcome(world: World): Outcome {
  const { deployFailRate, rollbackRate } = world.cfg
  return world.rng.weighted<Outcome>([
    ['failed', deployFailRate],
    ['rolled_back', rollbackRate],
    ['succeeded', Math.max(0, 1 - deployFailRate - rollbackRate)],
  ])
}

/**
 * Rolls `deployment` (already in progress) forward step by step until it succeeds, fails
 * or is rolled back; the percentage only ever rises while it is in progress.
 */
export function continueRollout(world: World, target: DeployTarget, onDone?: (d: Deployment) => void): void {
  const outcome = chooseOutcome(world)
  const stopAt = outcome === 'succeeded' ? 101 : world.rng.int(5, 90)
  const [minStep, maxStep] = STEP_MS[target.environment]
  const step = () => {
    const current = target.latest
    if (!current || current.status !== 'in_progress') return
    const percent = Math.min(100, current.rolloutPercent + world.rng.int(5, 20))
    let next: Deployment
    if (percent >= stopAt) {
      next = { ...current, status: outcome, finishedAt: world.iso(), updatedAt: world.iso() }
      if (outcome === 'failed') next = { ...next, rolloutPercent: percent }
      else next = { ...next, rolloutPercent: 0 }
    } else if (percent >= 100) {
      next = { ...current, status: 'succeeded', rolloutPercent: 100, finishedAt: world.iso(), updatedAt: world.iso() }
      target.runningVersion = current.version
    } else {
      next = { ...current, rolloutPercent: percent, updatedAt: world.iso() }
    }
    publish(world, target, next)
    if (next.status === 'in_progress') world.after(world.dur(world.rng.float(minStep, maxStep)), step)
    else {
      target.busy = false
      onDone?.(next)
    }
  }
  target.busy = true
  world.after(world.dur(world.rng.float(minStep, maxStep)), step)
}

/** Queues `version` on `target`, starts it shortly after and rolls it out. */
export function deploy(world: World, target: DeployTarget, version: string, onDone?: (d: Deployment) => void): void {
  target.busy = true
  publish(world, target, newDeployment(world, target, version, world.now))
  world.after(world.dur(world.rng.float(3_000, 12_000)), () => {
    const queued = target.latest
    if (!queued || queued.status !== 'queued') return
    publish(world, target, { ...queued, status: 'in_progress', startedAt: world.iso(), updatedAt: world.iso() })
    continueRollout(world, target, onDone)
  })
}

/** Later, the version now on staging goes to production, if production is free and behind. */
export function schedulePromotion(world: World, serviceIndex: number, delayMs: number): void {
  world.after(world.dur(delayMs), () => {
    const staging = targetOf(world, serviceIndex, 'staging')
    const production = targetOf(world, serviceIndex, 'production')
    const version = staging.runningVersion
    if (version === null || version === production.runningVersion) return
    if (production.busy || world.now < production.frozenUntil) return schedulePromotion(world, serviceIndex, 60_000)
    deploy(world, production, version)
  })
}

/** A new version of some service goes to staging, and often on to production afterwards. */
export function release(world: World): void {
  const { rng, catalog } = world
  if (catalog.services.length === 0) return
  for (let tries = 0; tries < 3; tries++) {
    const serviceIndex = rng.int(0, catalog.services.length - 1)
    const staging = targetOf(world, serviceIndex, 'staging')
    if (staging.busy) continue
    const version = nextVersion(rng, catalog, catalog.services[serviceIndex]!, world.now)
    deploy(world, staging, version, (done) => {
      if (done.status === 'succeeded' && rng.chance(world.cfg.promoteRate)) {
        schedulePromotion(world, serviceIndex, 60_000 + rng.exp(180_000))
      }
    })
    return
  }
}
