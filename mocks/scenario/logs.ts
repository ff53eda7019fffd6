import { hostileText } from './hostile'
import { COMMIT_OBJECTS, COMMIT_VERBS, PACKAGES, TEST_SUITES } from './names'
import { createRng, hashString, type Rng } from './random'

/** A build never keeps more than this many lines. */
export const MAX_LOG_LINES = 20_000
/** Lines printed per second of (paced) build time at speed 1. */
const LINES_PER_SECOND = 1.5

const GREEN = (s: string) => `\u001b[32m${s}\u001b[0m`
const RED = (s: string) => `\u001b[31m${s}\u001b[0m`
const YELLOW = (s: string) => `\u001b[33m${s}\u001b[0m`
const BOLD = (s: string) => `\u001b[1m${s}\u001b[0m`

const SOURCE_FILES = COMMIT_OBJECTS.map((o) => `${o.replace(/ /g, '-')}.ts`)

const PHASES = [
  { from: 0, title: 'Checkout' },
  { from: 0.05, title: 'Install dependencies' },
  { from: 0.3, title: 'Compile' },
  { from: 0.55, title: 'Test' },
] as const

export interface LogSubject {
  id: string
  branch: string
  sha: string
  message: string
  hostile: boolean
}

export function plannedLineCount(durationAtSpeedOneMs: number): number {
  return Math.max(30, Math.min(MAX_LOG_LINES - 100, Math.round((durationAtSpeedOneMs / 1000) * LINES_PER_SECOND)))
}

/**
 * What one build prints, generated lazily as it runs. It has its own random stream, seeded
 * from the build id, so its text does not depend on how often the simulator polls it.
 */
export class BuildLog {
  readonly lines: string[] = []
  private readonly rng: Rng
  private phase = -1
  private body = 0

  constructor(
    seed: number,
    private readonly subject: LogSubject,
    /** Body lines this build prints before its closing summary. */
    private readonly planned: number,
  ) {
    this.rng = createRng(hashString(subject.id, seed))
  }

  /** Prints the body up to `fraction` (0..1) of its planned length; returns the new lines. */
  advanceTo(fraction: number): string[] {
    const target = Math.min(this.planned, Math.floor(this.planned * fraction))
    const fresh: string[] = []
    while (this.body < target && this.lines.length < MAX_LOG_LINES - 60) {
      const position = this.body / this.planned
      while (this.phase + 1 < PHASES.length && PHASES[this.phase + 1]!.from <= position) {
        this.phase++
        this.push(fresh, BOLD(`##[group] ${PHASES[this.phase]!.title}`))
      }
      this.push(fresh, this.bodyLine())
      this.body++
    }
    return fresh
  }

  /** The closing lines for a build that ended with `status`. */
  finish(status: 'passed' | 'failed' | 'canceled', elapsedMs: number, canceledBy: string): string[] {
    const fresh = this.advanceTo(status === 'passed' ? 1 : this.body / this.planned)
    const took = formatDuration(elapsedMs)
    if (status === 'passed') {
      this.push(fresh, `Test Files  ${GREEN(`${this.rng.int(8, 140)} passed`)}`)
      this.push(fresh, GREEN(`✓ Build succeeded in ${took}`))
    } else if (status === 'canceled') {
      this.push(fresh, YELLOW(`Build canceled by ${canceledBy} after ${took}`))
    } else {
      this.failure(fresh, took)
    }
    return fresh
  }

  private failure(fresh: string[], took: string): void {
    const rng = this.rng
    const suite = rng.pick(TEST_SUITES)
    this.push(fresh, ` ${RED('✗')} ${suite} > ${this.testName()}`)
    this.push(fresh, RED(`AssertionError: expected ${rng.int(200, 204)} to equal ${rng.pick([400, 401, 409, 500])}`))
    const depth = rng.int(4, 8)
    for (let i = 0; i < depth; i++) {
      this.push(
        fresh,
        `    at ${rng.pick(['Object.<anonymous>', 'processTicksAndRejections', 'runTest', 'Context.it'])} (src/${rng.pick(SOURCE_FILES)}:${rng.int(1, 400)}:${rng.int(1, 80)})`,
      )
    }
    this.push(fresh, RED(`Build failed in ${took}: 1 test failed`))
    this.push(fresh, 'Process exited with code 1')
  }

  private push(fresh: string[], line: string): void {
    if (this.lines.length >= MAX_LOG_LINES) return
    const text = this.subject.hostile && this.rng.chance(0.25) ? hostileText(this.rng, line) : line
    this.lines.push(text)
    fresh.push(text)
  }

  private testName(): string {
    return `${this.rng.pick(COMMIT_VERBS)} ${this.rng.pick(COMMIT_OBJECTS)}`
  }

  private bodyLine(): string {
    const rng = this.rng
    const roll = rng.next()
    switch (this.phase) {
      case 0: {
        const { branch, sha, message } = this.subject
        if (roll < 0.25) return `Fetching origin/${branch}`
        if (roll < 0.5) return `HEAD is now at ${sha.slice(0, 7)} ${message}`
        if (roll < 0.75) return `Submodule path 'vendor/proto': checked out '${rng.hex(40)}'`
        return `Restoring cache key deps-${rng.hex(12)}`
      }
      case 1: {
        const pkg = `${rng.pick(PACKAGES)}@${rng.int(1, 9)}.${rng.int(0, 20)}.${rng.int(0, 9)}`
        if (roll < 0.75) return `Downloading ${pkg}`
        if (roll < 0.88) return `added ${rng.int(10, 900)} packages in ${rng.int(1, 40)}s`
        return `${YELLOW('npm warn')} deprecated ${pkg}: no longer maintained`
      }
      case 2:
        if (roll < 0.75) return `Compiling src/${rng.pick(SOURCE_FILES)}`
        if (roll < 0.88) return `${GREEN('✓')} ${rng.int(40, 2400)} modules transformed.`
        return `${YELLOW('warning')} TS6133: 'unused' is declared but its value is never read.`
      default:
        if (roll < 0.92) return ` ${GREEN('✓')} ${rng.pick(TEST_SUITES)} > ${this.testName()} ${rng.int(1, 900)}ms`
        return ` ${YELLOW('↓')} ${rng.pick(TEST_SUITES)} > ${this.testName()} [skipped]`
    }
  }
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`
}

/**
 * Logs of running builds and of recently finished ones; older ones are forgotten so a
 * day-long run holds a bounded amount of text.
 */
export class LogStore {
  private readonly logs = new Map<string, BuildLog>()
  /** Finished builds by the time their log may be forgotten, oldest first. */
  private expiries: { at: number; id: string }[] = []
  private head = 0

  get size(): number {
    return this.logs.size
  }

  lineCount(): number {
    let total = 0
    for (const log of this.logs.values()) total += log.lines.length
    return total
  }

  open(id: string, log: BuildLog): void {
    this.logs.set(id, log)
  }

  get(id: string): BuildLog | undefined {
    return this.logs.get(id)
  }

  /** Schedules a finished build's log to be forgotten at `at`; times only ever grow. */
  finished(id: string, at: number): void {
    this.expiries.push({ at, id })
  }

  expire(now: number): void {
    const expiries = this.expiries
    while (this.head < expiries.length && expiries[this.head]!.at <= now) {
      this.logs.delete(expiries[this.head]!.id)
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > expiries.length) {
      this.expiries = expiries.slice(this.head)
      this.head = 0
    }
  }

  /** Drops the logs of builds that no longer exist (removed by retention). */
  retain(exists: (id: string) => boolean): void {
    for (const id of this.logs.keys()) if (!exists(id)) this.logs.delete(id)
  }
}
