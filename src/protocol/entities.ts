import * as v from 'valibot'

// ISO 8601 in UTC, as the protocol requires; offsets other than Z are refused so
// every clock on the page compares like with like.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/

export const IsoTime = v.pipe(v.string(), v.regex(ISO_UTC, 'must be an ISO 8601 UTC time'))
const Text = v.string()
const Id = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(200, 'is too long'))
const Url = v.nullable(v.string())
const Count = v.pipe(v.number(), v.integer('must be an integer'), v.minValue(0, 'must not be negative'))

export const BUILD_STATUSES = ['queued', 'running', 'passed', 'failed', 'canceled'] as const
export const PR_STATES = ['open', 'merged', 'closed'] as const
export const REVIEW_STATES = ['approved', 'changes_requested', 'commented', 'pending'] as const
export const CHECK_STATES = ['pending', 'passing', 'failing', 'none'] as const
export const DEPLOY_STATUSES = ['queued', 'in_progress', 'succeeded', 'failed', 'rolled_back'] as const

// looseObject: fields the page does not know yet are kept, never rejected, so the
// real service can add to an entity without breaking deployed wall screens.
export const CommitSchema = v.looseObject({
  sha: Text,
  message: Text,
  author: Text,
})

export const BuildSchema = v.looseObject({
  id: Id,
  repo: Text,
  branch: Text,
  number: Count,
  status: v.picklist(BUILD_STATUSES),
  commit: CommitSchema,
  startedAt: v.nullable(IsoTime),
  finishedAt: v.nullable(IsoTime),
  updatedAt: IsoTime,
  expectedDurationMs: v.nullable(Count),
  url: Url,
})

export const ReviewerSchema = v.looseObject({
  login: Text,
  state: v.picklist(REVIEW_STATES),
})

export const PullRequestSchema = v.looseObject({
  id: Id,
  repo: Text,
  number: Count,
  title: Text,
  author: Text,
  state: v.picklist(PR_STATES),
  draft: v.boolean(),
  reviewers: v.array(ReviewerSchema),
  requiredApprovals: v.optional(Count),
  checks: v.picklist(CHECK_STATES),
  mergeable: v.nullable(v.boolean()),
  blocks: v.array(Id),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  url: Url,
})

export const DeploymentSchema = v.looseObject({
  id: Id,
  service: Text,
  environment: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  version: Text,
  previousVersion: v.nullable(Text),
  status: v.picklist(DEPLOY_STATUSES),
  rolloutPercent: v.pipe(v.number(), v.minValue(0, 'must be 0 or more'), v.maxValue(100, 'must be 100 or less')),
  deployedBy: Text,
  startedAt: v.nullable(IsoTime),
  finishedAt: v.nullable(IsoTime),
  updatedAt: IsoTime,
  url: Url,
})

export type Build = Readonly<v.InferOutput<typeof BuildSchema>>
export type PullRequest = Readonly<v.InferOutput<typeof PullRequestSchema>>
export type Deployment = Readonly<v.InferOutput<typeof DeploymentSchema>>
export type Reviewer = v.InferOutput<typeof ReviewerSchema>
export type BuildStatus = (typeof BUILD_STATUSES)[number]
export type PullRequestState = (typeof PR_STATES)[number]
export type ReviewState = (typeof REVIEW_STATES)[number]
export type CheckState = (typeof CHECK_STATES)[number]
export type DeploymentStatus = (typeof DEPLOY_STATUSES)[number]
