// Entities for pushing through the stub's ingest in end-to-end tests.
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString()

export function build(over: Record<string, unknown> & { id: string }) {
  return {
    type: 'build',
    data: {
      repo: 'api',
      branch: 'main',
      number: 1,
      status: 'passed',
      commit: { sha: 'abc1234', message: 'Tidy the retry loop', author: 'ana' },
      startedAt: iso(300_000),
      finishedAt: iso(60_000),
      updatedAt: iso(60_000),
      expectedDurationMs: 240_000,
      url: null,
      ...over,
    },
  }
}

export function pullRequest(over: Record<string, unknown> & { id: string }) {
  return {
    type: 'pull_request',
    data: {
      repo: 'api',
      number: 1,
      title: 'Add retry budget',
      author: 'ana',
      state: 'open',
      draft: false,
      reviewers: [],
      checks: 'pending',
      mergeable: null,
      blocks: [],
      createdAt: iso(3_600_000),
      updatedAt: iso(60_000),
      url: null,
      ...over,
    },
  }
}

export function deployment(over: Record<string, unknown> & { id: string }) {
  return {
    type: 'deployment',
    data: {
      service: 'billing',
      environment: 'production',
      version: 'v1.2.3',
      previousVersion: 'v1.2.2',
      status: 'succeeded',
      rolloutPercent: 100,
      deployedBy: 'ana',
      startedAt: iso(600_000),
      finishedAt: iso(300_000),
      updatedAt: iso(300_000),
      url: null,
      ...over,
    },
  }
}

export const approved = (login: string) => ({ login, state: 'approved' })
