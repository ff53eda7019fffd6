import type { Build, Deployment, PullRequest } from '../../src/protocol'

export const SCENARIOS = ['normal', 'incident', 'all-green', 'empty', 'busy', 'overload', 'hostile'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export interface SimulatorOptions {
  seed: number
  /** Number of repositories (SIM_REPOS). */
  repos: number
  /** Speed factor (SIM_SPEED): 2 means things happen twice as often and take half as long. */
  speed: number
  /** Wall-clock ms at which the simulation starts; entity times are real times from here on. */
  startTime: number
  scenario?: ScenarioName
}

/** What the simulator emits; the hub gives state events their ids, logs are numbered per build. */
export type SimEvent =
  | { type: 'build'; data: Build }
  | { type: 'pull_request'; data: PullRequest }
  | { type: 'deployment'; data: Deployment }
  | { type: 'log'; data: { buildId: string; lines: string[] } }

export interface SimState {
  builds: Build[]
  pullRequests: PullRequest[]
  deployments: Deployment[]
}

export interface Simulator {
  /** The state at the current simulated moment, the hub's starting point. */
  state(): SimState
  /**
   * Moves the simulation to wall-clock `now` (ms) and returns what happened since the
   * last call, in order. Deterministic: same options and same sequence of `now` give the
   * same events.
   */
  advance(now: number): SimEvent[]
  /** Log lines a build printed so far (the backlog for a follow), possibly empty. */
  logBacklog(buildId: string): string[]
}
