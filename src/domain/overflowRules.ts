import type { Build, Deployment } from '../protocol'
import type { ChooseOptions } from './overflow'
import { isRedPipeline, type DeploymentRow, type PipelineRow, type PullRequestRow } from './columns'

// What a fitted column keeps and how it counts the rest (kioskFit.ts's chooseVisible): the
// kiosk's alone, so they load with its fit, not with the page.

const BUILD_LABELS: Record<Build['status'], string> = {
  passed: 'passing',
  failed: 'failing',
  running: 'running',
  queued: 'queued',
  canceled: 'canceled',
}

export function pipelineLabel(row: PipelineRow): string {
  return BUILD_LABELS[row.build.status]
}

export function isProtectedPullRequest(row: PullRequestRow): boolean {
  return row.ready || row.blocks > 0
}

export function pullRequestLabel(row: PullRequestRow): string {
  const { pr } = row
  if (pr.state !== 'open') return pr.state
  if (pr.draft) return 'draft'
  if (pr.checks === 'failing') return 'failing CI'
  if (pr.reviewers.some((r) => r.state === 'changes_requested')) return 'changes requested'
  return 'in review'
}

const ALARMING: ReadonlySet<Deployment['status']> = new Set(['failed', 'rolled_back', 'in_progress'])

/** A failed, rolled-back or rolling-out service never gives way to a quiet one. */
export function isProtectedDeploymentRow(row: DeploymentRow): boolean {
  return row.cells.some((d) => d !== null && ALARMING.has(d.status))
}

export function deploymentRowLabel(row: DeploymentRow): string {
  if (row.cells.some((d) => d?.status === 'queued')) return 'queued'
  return row.drift ? 'drifted' : 'up to date'
}

export const PIPELINE_RULES: ChooseOptions<PipelineRow> = { isProtected: isRedPipeline, label: pipelineLabel }

/** Further back than any open PR's last update can be. */
const LEFT_PR_HANDICAP_MS = 1e15

export const PULL_REQUEST_RULES: ChooseOptions<PullRequestRow> = {
  isProtected: isProtectedPullRequest,
  label: pullRequestLabel,
  // A merged or closed PR lingers to say it left; it gives way before any open one waiting for review.
  recency: (row) => (row.pr.state === 'open' ? row.updated : row.updated - LEFT_PR_HANDICAP_MS),
}

export const DEPLOYMENT_ROW_RULES: ChooseOptions<DeploymentRow> = {
  isProtected: isProtectedDeploymentRow,
  label: deploymentRowLabel,
  // Rows stay in service order; the quiet ones deployed longest ago give way first.
  recency: (row) => row.updated,
}
