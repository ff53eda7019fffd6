import * as s from './schema'

// ISO 8601 in UTC, as the protocol requires; offsets other than Z are refused so
// every clock on the page compares like with like.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/

export const IsoTime = s.check(s.string, (text) => ISO_UTC.test(text), 'must be an ISO 8601 UTC time')
const Text = s.string
export const NonEmpty = s.check(s.string, (text) => text.length > 0, 'must not be empty')
const Id = s.check(NonEmpty, (text) => text.length <= 200, 'is too long')
const Url = s.nullable(s.string)
export const Count = s.check(
  s.check(s.number, Number.isInteger, 'must be an integer'),
  (n) => n >= 0,
  'must not be negative',
)

export const BUILD_STATUSES = ['queued', 'running', 'passed', 'failed', 'canceled'] as const
export const PR_STATES = ['open', 'merged', 'closed'] as const
export const REVIEW_STATES = ['approved', 'changes_requested', 'commented', 'pending'] as const
export const CHECK_STATES = ['pending', 'passing', 'failing', 'none'] as const
export const DEPLOY_STATUSES = ['queued', 'in_progress', 'succeeded', 'failed', 'rolled_back'] as const

// looseObject: fields the page does not know yet are kept, never rejected, so the
// real service can add to an entity without breaking deployed wall screens.
export const CommitSchema = s.looseObject({
  sha: Text,
  message: Text,
  author: Text,
})

export const BuildSchema = s.looseObject({
  id: Id,
  repo: Text,
  branch: Text,
  number: Count,
  status: s.picklist(BUILD_STATUSES),
  commit: CommitSchema,
  startedAt: s.nullable(IsoTime),
  finishedAt: s.nullable(IsoTime),
  updatedAt: IsoTime,
  expectedDurationMs: s.nullable(Count),
  url: Url,
})

export const ReviewerSchema = s.looseObject({
  login: Text,
  state: s.picklist(REVIEW_STATES),
})

export const PullRequestSchema = s.looseObject({
  id: Id,
  repo: Text,
  number: Count,
  title: Text,
  author: Text,
  state: s.picklist(PR_STATES),
  draft: s.boolean,
  reviewers: s.array(ReviewerSchema),
  requiredApprovals: s.optional(Count),
  checks: s.picklist(CHECK_STATES),
  mergeable: s.nullable(s.boolean),
  blocks: s.array(Id),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  url: Url,
})

export const DeploymentSchema = s.looseObject({
  id: Id,
  service: Text,
  environment: NonEmpty,
  version: Text,
  previousVersion: s.nullable(Text),
  status: s.picklist(DEPLOY_STATUSES),
  rolloutPercent: s.check(
    s.check(s.number, (n) => n >= 0, 'must be 0 or more'),
    (n) => n <= 100,
    'must be 100 or less',
  ),
  deployedBy: Text,
  startedAt: s.nullable(IsoTime),
  finishedAt: s.nullable(IsoTime),
  updatedAt: IsoTime,
  url: Url,
})

export type Build = Readonly<s.Output<typeof BuildSchema>>
export type PullRequest = Readonly<s.Output<typeof PullRequestSchema>>
export type Deployment = Readonly<s.Output<typeof DeploymentSchema>>
export type Reviewer = s.Output<typeof ReviewerSchema>
export type BuildStatus = (typeof BUILD_STATUSES)[number]
export type PullRequestState = (typeof PR_STATES)[number]
export type ReviewState = (typeof REVIEW_STATES)[number]
export type CheckState = (typeof CHECK_STATES)[number]
export type DeploymentStatus = (typeof DEPLOY_STATUSES)[number]
