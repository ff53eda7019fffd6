// Valid wire entities for pushing through POST /api/events, stamped with the publish time in
// an extra field (`benchAt`, epoch ms with a fraction): unknown fields are kept end to end.

export const epochNow = () => performance.timeOrigin + performance.now()

const iso = (ms: number) => new Date(ms).toISOString()

export function stampedBuild(n: number, options: { repos?: number; at?: number } = {}) {
  const at = options.at ?? epochNow()
  const repo = `bench/repo-${n % (options.repos ?? 40)}`
  const statuses = ['running', 'passed', 'failed', 'queued'] as const
  const status = statuses[n % statuses.length]!
  const finished = status === 'passed' || status === 'failed'
  return {
    type: 'build' as const,
    data: {
      id: `bench-build-${n}`,
      repo,
      branch: n % 3 === 0 ? 'main' : `feature/${n % 7}`,
      number: n,
      status,
      commit: { sha: (n * 2654435761).toString(16).padStart(8, '0'), message: `Change number ${n}`, author: 'bench' },
      startedAt: iso(at - 60_000),
      finishedAt: finished ? iso(at) : null,
      updatedAt: iso(at),
      expectedDurationMs: 120_000,
      url: null,
      benchAt: at,
    },
  }
}
