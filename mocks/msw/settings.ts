import { SCENARIOS, type ScenarioName } from '../scenario/types'
import { DEFAULT_SETTINGS } from '../server/settings'

// Mock mode's settings come from the page's query string (`?scenario=incident&seed=7`), with
// the stub's defaults; a bad value falls back to the default rather than breaking the page.

export interface MockSettings {
  scenario: ScenarioName
  seed: number
  speed: number
  repos: number
  heartbeatMs: number
  /** 0 = never recycle. */
  recycleMs: number
  retryMs: number
  replayWindowMs: number
  replayMaxEvents: number
  maxUnsentBytes: number
  /** How often the simulator is advanced. */
  tickMs: number
}

export const DEFAULT_MOCK_SETTINGS: MockSettings = {
  scenario: DEFAULT_SETTINGS.simScenario,
  seed: DEFAULT_SETTINGS.simSeed,
  speed: DEFAULT_SETTINGS.simSpeed,
  repos: DEFAULT_SETTINGS.simRepos,
  heartbeatMs: DEFAULT_SETTINGS.heartbeatMs,
  recycleMs: DEFAULT_SETTINGS.recycleMs,
  retryMs: DEFAULT_SETTINGS.retryMs,
  replayWindowMs: DEFAULT_SETTINGS.replayWindowMs,
  replayMaxEvents: DEFAULT_SETTINGS.replayMaxEvents,
  maxUnsentBytes: DEFAULT_SETTINGS.maxUnsentBytes,
  tickMs: 100,
}

/** Query parameters read, with the bounds the stub's environment variables have. */
const NUMERIC: { key: keyof MockSettings; param: string; min: number; max: number; whole: boolean }[] = [
  { key: 'seed', param: 'seed', min: 0, max: 2 ** 32 - 1, whole: true },
  { key: 'speed', param: 'speed', min: Number.MIN_VALUE, max: 1000, whole: false },
  { key: 'repos', param: 'repos', min: 1, max: 1000, whole: true },
  { key: 'heartbeatMs', param: 'heartbeatMs', min: 10, max: 3_600_000, whole: true },
  { key: 'recycleMs', param: 'recycleMs', min: 0, max: 86_400_000, whole: true },
  { key: 'retryMs', param: 'retryMs', min: 0, max: 600_000, whole: true },
]

export function parseMockSettings(search: string, base: MockSettings = DEFAULT_MOCK_SETTINGS): MockSettings {
  const params = new URLSearchParams(search)
  const settings: MockSettings = { ...base }
  const scenario = params.get('scenario')
  if (scenario !== null && (SCENARIOS as readonly string[]).includes(scenario)) {
    settings.scenario = scenario as ScenarioName
  }
  for (const { key, param, min, max, whole } of NUMERIC) {
    const raw = params.get(param)
    if (raw === null || raw.trim() === '') continue
    const value = Number(raw)
    if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) continue
    ;(settings as unknown as Record<string, number>)[key] = value
  }
  if (settings.recycleMs > 0 && settings.recycleMs < 100) settings.recycleMs = 100
  return settings
}
