import type { PullRequest } from '../protocol'

export const DEFAULT_REQUIRED_APPROVALS = 2

export function approvals(pr: PullRequest): number {
  return pr.reviewers.filter((r) => r.state === 'approved').length
}

export function requiredApprovals(pr: PullRequest): number {
  return pr.requiredApprovals ?? DEFAULT_REQUIRED_APPROVALS
}

/** Open, not a draft, checks passing, enough approvals, nobody requesting changes, not known to conflict. */
export function isReadyToMerge(pr: PullRequest): boolean {
  return (
    pr.state === 'open' &&
    !pr.draft &&
    pr.checks === 'passing' &&
    approvals(pr) >= requiredApprovals(pr) &&
    !pr.reviewers.some((r) => r.state === 'changes_requested') &&
    pr.mergeable !== false
  )
}

/** Ids of the open PRs that `pr` blocks; empty unless `pr` itself is open. */
export function blockedOpenPrs(pr: PullRequest, byId: ReadonlyMap<string, PullRequest>): string[] {
  if (pr.state !== 'open') return []
  return [...new Set(pr.blocks)].filter((id) => id !== pr.id && byId.get(id)?.state === 'open')
}

export function isBlocking(pr: PullRequest, byId: ReadonlyMap<string, PullRequest>): boolean {
  return blockedOpenPrs(pr, byId).length > 0
}
