import type { ScenarioName } from './types'

/** Tuning knobs of one scenario. Rates are per minute at speed 1. */
export interface ScenarioConfig {
  name: ScenarioName
  /** False for a brand-new team: nothing at start. */
  livedIn: boolean
  /** Salt every text field with hostile strings. */
  hostile: boolean
  services: number
  /** Repos whose main has been red for a while at start: [min, max] and how long [minH, maxH]. */
  redMains: readonly [number, number]
  redForHours: readonly [number, number]
  runningAtStart: number
  queuedAtStart: number
  openPrsAtStart: readonly [number, number]
  /** Builds pushed straight to a branch (not through a PR), per minute. */
  directPushesPerMin: number
  prsOpenedPerMin: number
  releasesPerMin: number
  /** Mean time between two things happening to one open PR (ms at speed 1). */
  prActivityMs: number
  /** Lifecycles (builds, rollouts, queues) run this many times faster than nominal. */
  pace: number
  buildFailRate: number
  buildCancelRate: number
  /** Fail rate of builds on main of a repo that is currently red: red runs last. */
  redRepoFailRate: number
  deployFailRate: number
  rollbackRate: number
  /** Share of successful staging rollouts promoted to production. */
  promoteRate: number
  /** Open with a failed latest production deployment on one service. */
  productionIncident: boolean
}

const NORMAL: ScenarioConfig = {
  name: 'normal',
  livedIn: true,
  hostile: false,
  services: 11,
  redMains: [2, 4],
  redForHours: [1, 6],
  runningAtStart: 6,
  queuedAtStart: 2,
  openPrsAtStart: [12, 18],
  directPushesPerMin: 0.4,
  prsOpenedPerMin: 1.5,
  releasesPerMin: 2,
  prActivityMs: 20_000,
  pace: 1,
  buildFailRate: 0.07,
  buildCancelRate: 0.03,
  redRepoFailRate: 0.6,
  deployFailRate: 0.08,
  rollbackRate: 0.04,
  promoteRate: 0.6,
  productionIncident: false,
}

export const SCENARIO_CONFIGS: Record<ScenarioName, ScenarioConfig> = {
  normal: NORMAL,
  incident: {
    ...NORMAL,
    name: 'incident',
    redMains: [4, 7],
    redForHours: [2, 9],
    buildFailRate: 0.15,
    redRepoFailRate: 0.9,
    productionIncident: true,
  },
  'all-green': {
    ...NORMAL,
    name: 'all-green',
    redMains: [0, 0],
    buildFailRate: 0,
    buildCancelRate: 0,
    redRepoFailRate: 0,
    deployFailRate: 0,
    rollbackRate: 0,
  },
  empty: {
    ...NORMAL,
    name: 'empty',
    livedIn: false,
    services: 0,
    redMains: [0, 0],
    runningAtStart: 0,
    queuedAtStart: 0,
    openPrsAtStart: [0, 0],
    directPushesPerMin: 0,
    prsOpenedPerMin: 0,
    releasesPerMin: 0,
  },
  busy: {
    ...NORMAL,
    name: 'busy',
    services: 30,
    runningAtStart: 22,
    queuedAtStart: 6,
    openPrsAtStart: [44, 52],
    directPushesPerMin: 3,
    prsOpenedPerMin: 3,
    releasesPerMin: 3,
    prActivityMs: 50_000,
    // A busy day fails more: failing checks keep PRs open, which is what overflows the column.
    buildFailRate: 0.15,
    redMains: [3, 5],
  },
  overload: {
    ...NORMAL,
    name: 'overload',
    services: 12,
    directPushesPerMin: 300,
    prsOpenedPerMin: 500,
    releasesPerMin: 600,
    prActivityMs: 1_000,
    pace: 40,
  },
  hostile: {
    ...NORMAL,
    name: 'hostile',
    hostile: true,
  },
}
