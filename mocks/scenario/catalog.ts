import { HOSTILE_URLS, hostileText } from './hostile'
import {
  BRANCH_PREFIXES,
  BRANCH_TOPICS,
  COMMIT_OBJECTS,
  COMMIT_SCOPES,
  COMMIT_TYPES,
  COMMIT_VERBS,
  DEVELOPERS,
  REPOSITORIES,
  SERVICES,
} from './names'
import type { Rng } from './random'

export interface Repo {
  name: string
  /** Safe ASCII slug used in ids and URLs, so ids stay short and valid whatever the name. */
  key: string
  /** Nominal duration of a main build (ms at speed 1), 1 to 15 minutes. */
  mainDurationMs: number
  runNumber: number
  prNumber: number
  /** Main is failing and keeps failing for a while. */
  red: boolean
  openPrIds: Set<string>
}

export interface Service {
  name: string
  key: string
  versioning: 'semver' | 'calver'
  major: number
  minor: number
  patch: number
}

/** The people, repositories and services of one run, plus how text is written in it. */
export interface Catalog {
  hostile: boolean
  repos: Repo[]
  services: Service[]
  developers: string[]
}

function withSuffix(base: string, round: number): string {
  return round === 0 ? base : `${base}-${round + 1}`
}

export function createCatalog(rng: Rng, repoCount: number, serviceCount: number, hostile: boolean): Catalog {
  const developers = DEVELOPERS.map((login) => (hostile && rng.chance(0.4) ? hostileText(rng, login) : login))
  const repos: Repo[] = []
  for (let i = 0; i < repoCount; i++) {
    const base = withSuffix(REPOSITORIES[i % REPOSITORIES.length]!, Math.floor(i / REPOSITORIES.length))
    repos.push({
      name: hostile && i % 2 === 0 ? hostileText(rng, base) : base,
      key: base,
      // Skewed towards short builds: most take a few minutes, a few take a quarter of an hour.
      mainDurationMs: Math.round(60_000 + 840_000 * rng.next() ** 5),
      runNumber: rng.int(40, 4000),
      prNumber: rng.int(10, 1500),
      red: false,
      openPrIds: new Set(),
    })
  }
  const services: Service[] = []
  for (let i = 0; i < serviceCount; i++) {
    const base = withSuffix(SERVICES[i % SERVICES.length]!, Math.floor(i / SERVICES.length))
    services.push({
      name: hostile && i % 3 === 0 ? hostileText(rng, base) : base,
      key: base,
      versioning: rng.chance(0.7) ? 'semver' : 'calver',
      major: rng.int(1, 5),
      minor: rng.int(0, 30),
      patch: rng.int(0, 12),
    })
  }
  return { hostile, repos, services, developers }
}

/** Salts a text with hostile content in the hostile scenario (most of the time), else leaves it. */
export function text(rng: Rng, catalog: Catalog, plain: string): string {
  return catalog.hostile && rng.chance(0.7) ? hostileText(rng, plain) : plain
}

export function person(rng: Rng, catalog: Catalog): string {
  return rng.pick(catalog.developers)
}

export function otherPeople(rng: Rng, catalog: Catalog, count: number, except: readonly string[]): string[] {
  const chosen: string[] = []
  for (let tries = 0; chosen.length < count && tries < count * 10; tries++) {
    const login = rng.pick(catalog.developers)
    if (!except.includes(login) && !chosen.includes(login)) chosen.push(login)
  }
  return chosen
}

export function commitMessage(rng: Rng, catalog: Catalog): string {
  const plain = `${rng.pick(COMMIT_TYPES)}(${rng.pick(COMMIT_SCOPES)}): ${rng.pick(COMMIT_VERBS)} ${rng.pick(COMMIT_OBJECTS)}`
  return text(rng, catalog, plain)
}

export function branchName(rng: Rng, catalog: Catalog, author: string): string {
  const topic = rng.pick(BRANCH_TOPICS)
  const plain = rng.chance(0.3)
    ? `${author.replace(/[^a-z0-9.-]/gi, '').slice(0, 20) || 'dev'}/${topic}`
    : `${rng.pick(BRANCH_PREFIXES)}/${topic}-${rng.int(1, 999)}`
  return text(rng, catalog, plain)
}

export function url(rng: Rng, catalog: Catalog, plain: string): string {
  return catalog.hostile && rng.chance(0.15) ? rng.pick(HOSTILE_URLS) : plain
}

function datePart(now: number): string {
  return new Date(now).toISOString().slice(0, 10).replace(/-/g, '.')
}

/** Next version of a service: mostly patch bumps, sometimes a minor, rarely a major. */
export function nextVersion(rng: Rng, catalog: Catalog, service: Service, now: number): string {
  let version: string
  if (service.versioning === 'calver') {
    version = `${datePart(now)}-${rng.hex(7)}`
  } else {
    const roll = rng.next()
    if (roll < 0.02) {
      service.major++
      service.minor = 0
      service.patch = 0
    } else if (roll < 0.2) {
      service.minor++
      service.patch = 0
    } else {
      service.patch++
    }
    version = `v${service.major}.${service.minor}.${service.patch}`
  }
  return catalog.hostile && rng.chance(0.4) ? hostileText(rng, version) : version
}
