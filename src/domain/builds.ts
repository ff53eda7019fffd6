import type { Build } from '../protocol'

export function pipelineKey(build: Pick<Build, 'repo' | 'branch'>): string {
  return `${build.repo}\u0000${build.branch}`
}

function isFinished(build: Build): boolean {
  return build.status === 'passed' || build.status === 'failed' || build.status === 'canceled'
}

/** Order of builds within one pipeline: the build number, then the time it started. */
function byNumber(a: Build, b: Build): number {
  return a.number - b.number || Date.parse(a.startedAt ?? a.updatedAt) - Date.parse(b.startedAt ?? b.updatedAt)
}

/**
 * When a pipeline's latest finished build failed: the moment that unbroken run of
 * failures began (the first failed build's finish time), else null. Cancelled builds
 * neither break nor extend the run: they tell nothing about whether the code is red.
 */
export function redSince(pipelineBuilds: readonly Build[]): number | null {
  const finished = pipelineBuilds.filter((b) => isFinished(b) && b.status !== 'canceled').sort(byNumber)
  let since: number | null = null
  for (let i = finished.length - 1; i >= 0; i--) {
    const build = finished[i]!
    if (build.status !== 'failed') break
    since = Date.parse(build.finishedAt ?? build.updatedAt)
  }
  return since
}
