import type { BuildStatus, CheckState, DeploymentStatus, ReviewState } from '../protocol'

/** A glyph (shape) and a word for each state, so nothing is told by colour alone. */
export interface StatusText {
  glyph: string
  word: string
}

export const BUILD_STATUS_TEXT: Record<BuildStatus, StatusText> = {
  failed: { glyph: '✕', word: 'FAILED' },
  running: { glyph: '▶', word: 'RUNNING' },
  passed: { glyph: '✓', word: 'passed' },
  queued: { glyph: '◷', word: 'queued' },
  canceled: { glyph: '⊘', word: 'canceled' },
}

export const DEPLOY_STATUS_TEXT: Record<DeploymentStatus, StatusText> = {
  failed: { glyph: '✕', word: 'FAILED' },
  rolled_back: { glyph: '↶', word: 'ROLLED BACK' },
  in_progress: { glyph: '▶', word: 'rolling out' },
  succeeded: { glyph: '✓', word: 'live' },
  queued: { glyph: '◷', word: 'queued' },
}

export const CHECK_TEXT: Record<CheckState, StatusText> = {
  passing: { glyph: '✓', word: 'CI passing' },
  failing: { glyph: '✕', word: 'CI failing' },
  pending: { glyph: '◷', word: 'CI running' },
  none: { glyph: '–', word: 'no CI' },
}

export const REVIEW_TEXT: Record<ReviewState, StatusText> = {
  approved: { glyph: '✓', word: 'approved' },
  changes_requested: { glyph: '✕', word: 'changes requested' },
  commented: { glyph: '✎', word: 'commented' },
  pending: { glyph: '○', word: 'review pending' },
}
