import * as s from './schema'
import { BuildSchema, DeploymentSchema, NonEmpty, PullRequestSchema } from './entities'
import { LogLinesSchema } from './events'

// What `POST /api/events` accepts: the same entity schemas the page parses with, so
// anything ingested is something every page can render.
export const IngestLogSchema = s.looseObject({
  buildId: NonEmpty,
  lines: LogLinesSchema,
})

export const IngestItemSchema = s.variant('type', {
  build: s.object({ type: s.picklist(['build']), data: BuildSchema }),
  pull_request: s.object({ type: s.picklist(['pull_request']), data: PullRequestSchema }),
  deployment: s.object({ type: s.picklist(['deployment']), data: DeploymentSchema }),
  log: s.object({ type: s.picklist(['log']), data: IngestLogSchema }),
})

export type IngestItem = s.Output<typeof IngestItemSchema>
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
    const result = s.parse(IngestItemSchema, list[i])
    if (!result.ok) {
      const where = Array.isArray(body) ? `[${i}].` : ''
      return { ok: false, error: `${where}${s.describeIssue(result.issue)}` }
    }
    items.push(result.value)
  }
  return { ok: true, items }
}
