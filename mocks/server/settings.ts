import { SCENARIOS, type ScenarioName } from '../scenario/types'

// Every stub setting comes from an environment variable (DESIGN.md, "Stub settings").
// A bad value stops the start with a message naming the variable, never a silent default.

export interface Settings {
  port: number
  host: string
  heartbeatMs: number
  /** 0 = never recycle. */
  recycleMs: number
  replayWindowMs: number
  replayMaxEvents: number
  maxUnsentBytes: number
  /** Reconnect delay sent as the stream's `retry:` line. */
  retryMs: number
  sim: boolean
  simSeed: number
  simSpeed: number
  simRepos: number
  simScenario: ScenarioName
  ingestToken: string | null
  /** Empty = same origin only (no CORS headers). */
  corsOrigins: string[]
  staticDir: string
  /** Test-only fault control endpoint (`/api/faults`); never on in production. */
  faults: boolean
}

export const DEFAULT_SETTINGS: Settings = {
  port: 8080,
  host: '127.0.0.1',
  heartbeatMs: 15_000,
  recycleMs: 1_800_000,
  replayWindowMs: 300_000,
  replayMaxEvents: 10_000,
  maxUnsentBytes: 1_048_576,
  retryMs: 2000,
  sim: true,
  simSeed: 1,
  simSpeed: 1,
  simRepos: 40,
  simScenario: 'normal',
  ingestToken: null,
  corsOrigins: [],
  staticDir: 'dist',
  faults: false,
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  ${p}`).join('\n')}`)
    this.name = 'SettingsError'
  }
}

type Env = Record<string, string | undefined>

/** Reads the settings from `env`; throws a SettingsError listing every bad variable. */
export function loadSettings(env: Env = process.env): Settings {
  const problems: string[] = []
  const read = (name: string) => {
    const raw = env[name]
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim()
  }
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = read(name)
    if (raw === undefined) return fallback
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be a whole number from ${min} to ${max}`)
      return fallback
    }
    return Number(raw)
  }
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!/^\d+(\.\d+)?$/.test(raw) || value <= min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be a number above ${min} and at most ${max}`)
      return fallback
    }
    return value
  }

  const host = read('HOST') ?? DEFAULT_SETTINGS.host
  if (/\s|\//.test(host)) problems.push(`HOST=${JSON.stringify(host)}: must be a host name or IP address`)

  const simRaw = read('SIM')
  let sim = DEFAULT_SETTINGS.sim
  if (simRaw !== undefined) {
    if (simRaw === '1' || simRaw === '0') sim = simRaw === '1'
    else problems.push(`SIM=${JSON.stringify(simRaw)}: must be 1 (simulate) or 0 (ingest only)`)
  }

  const scenarioRaw = read('SIM_SCENARIO') ?? DEFAULT_SETTINGS.simScenario
  const simScenario = (SCENARIOS as readonly string[]).includes(scenarioRaw)
    ? (scenarioRaw as ScenarioName)
    : (problems.push(`SIM_SCENARIO=${JSON.stringify(scenarioRaw)}: must be one of ${SCENARIOS.join(', ')}`),
      DEFAULT_SETTINGS.simScenario)

  const corsOrigins = (read('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(
        `CORS_ORIGINS: ${JSON.stringify(origin)} must be an origin like https://wall.example.com (no path) or *`,
      )
    }
  }

  const ingestToken = read('INGEST_TOKEN') ?? null

  const faultsRaw = read('FAULTS')
  let faults = DEFAULT_SETTINGS.faults
  if (faultsRaw !== undefined) {
    if (faultsRaw === '1' || faultsRaw === '0') faults = faultsRaw === '1'
    else problems.push(`FAULTS=${JSON.stringify(faultsRaw)}: must be 1 (fault control endpoint on) or 0`)
  }

  const settings: Settings = {
    port: int('PORT', DEFAULT_SETTINGS.port, 0, 65535),
    host,
    heartbeatMs: int('HEARTBEAT_MS', DEFAULT_SETTINGS.heartbeatMs, 10, 3_600_000),
    recycleMs: int('RECYCLE_MS', DEFAULT_SETTINGS.recycleMs, 0, 86_400_000),
    replayWindowMs: int('REPLAY_WINDOW_MS', DEFAULT_SETTINGS.replayWindowMs, 0, 86_400_000),
    replayMaxEvents: int('REPLAY_MAX_EVENTS', DEFAULT_SETTINGS.replayMaxEvents, 1, 10_000_000),
    maxUnsentBytes: int('MAX_UNSENT_BYTES', DEFAULT_SETTINGS.maxUnsentBytes, 1024, 1_073_741_824),
    retryMs: int('RETRY_MS', DEFAULT_SETTINGS.retryMs, 0, 600_000),
    sim,
    simSeed: int('SIM_SEED', DEFAULT_SETTINGS.simSeed, 0, 2 ** 32 - 1),
    simSpeed: num('SIM_SPEED', DEFAULT_SETTINGS.simSpeed, 0, 1000),
    simRepos: int('SIM_REPOS', DEFAULT_SETTINGS.simRepos, 1, 1000),
    simScenario,
    ingestToken,
    corsOrigins,
    staticDir: read('STATIC_DIR') ?? DEFAULT_SETTINGS.staticDir,
    faults,
  }
  if (settings.recycleMs > 0 && settings.recycleMs < 100) {
    problems.push(`RECYCLE_MS=${settings.recycleMs}: must be 0 (never) or at least 100`)
  }
  if (problems.length > 0) throw new SettingsError(problems)
  return settings
}
