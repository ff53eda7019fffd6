import type { StateEvent } from '../protocol'
import { applyBatch, byId, type BoardState } from './boardState'
import * as rules from './retention'

export * from './boardState'

// The reducer with retention's rules bound, for the stub and the tests. The page's store calls
// `applyBatch` itself: it loads the rules later, and they must not be imported into its chunk.

/** `applyBatch` with every retention rule at hand. */
export function applyEvents(state: BoardState, events: readonly StateEvent[], now: number): BoardState {
  return applyBatch(state, events, now, rules)
}

/** Runs every retention rule now, whatever the marks say (a slow timer or tests). */
export function pruneState(state: BoardState, now: number): BoardState {
  const builds = byId(rules.retainBuilds(state.builds.values()))
  const pullRequests = byId(rules.retainPullRequests(state.pullRequests.values(), now))
  const deployments = byId(rules.retainDeployments(state.deployments.values()))
  return {
    builds: builds.size === state.builds.size ? state.builds : builds,
    pullRequests: pullRequests.size === state.pullRequests.size ? state.pullRequests : pullRequests,
    deployments: deployments.size === state.deployments.size ? state.deployments : deployments,
    retention: { builds: builds.size, pullRequests: pullRequests.size, deployments: deployments.size, prunedAt: now },
  }
}
