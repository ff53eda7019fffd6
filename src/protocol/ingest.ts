import * as v from 'valibot'
import { BuildSchema, DeploymentSchema, PullRequestSchema } from './entities'
import { LogLinesSchema } from './events'
import { describeIssues } from './parse'

// What `POST /api/events` accepts: the same entity schemas the page parses with, so
// anything ingested is something every page can render.
export const IngestLogSchema = v.looseObject({
  buildId: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  lines: LogLinesSchema,
})

export const IngestItemSchema = v.variant('type', [
  v.object({ type: v.literal('build'), data: BuildSchema }),
  v.object({ type: v.literal('pull_request'), data: PullRequestSchema }),
  v.object({ type: v.literal('deployment'), data: DeploymentSchema }),
  v.object({ type: v.literal('log'), data: IngestLogSchema }),
])

export type IngestItem = v.InferOutput<typeof IngestItemSchema>
export const MAX_INGEST_ITEMS = 1000

export type IngestResult = { ok: true; items: IngestItem[] } | { ok: false; error: string }

/** Validates a whole ingest body; one bad item rejects all of it. Never throws. */
export function validateIngest(body: unknown): IngestResult {
  const list = Array.isArray(body) ? body : [body]
  if (Array.isArray(body) && body.length === 0) return { ok: false, error: '(root): must hold at least one event' }
  if (list.length > MAX_INGEST_ITEMS)
    return { ok: false, error: `(root): at most ${MAX_INGEST_ITEMS} events per request` }
  const items: IngestItem[] = []
  for (let i = 0; i < list.length; i++) {
    const result = v.safeParse(IngestItemSchema, list[i])
    if (!result.success) {
      const where = Array.isArray(body) ? `[${i}].` : ''
      return { ok: false, error: `${where}${describeIssues(result.issues)}` }
    }
    items.push(result.output)
  }
  return { ok: true, items }
}
