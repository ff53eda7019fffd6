import { parseEventId, parsePayload, type Build, type Deployment, type PullRequest } from '../protocol'

// Instant start: the last confirmed board and its resume id, kept in local storage so a
// reload or a kiosk reboot shows the board at once (marked stale until the stream confirms it).
// Reading it back is part of the first paint; saving it (persist.ts) loads after.

/** Versioned: a change of the stored shape gets a new key, and old entries are ignored. */
export const STORAGE_KEY = 'radiator.board.v1'
/** Local storage holds about 5 MB per origin; a board bigger than this is not kept at all. */
export const MAX_STORED_CHARS = 2_000_000

export interface SavedBoard {
  builds: Build[]
  pullRequests: PullRequest[]
  deployments: Deployment[]
  /** The id of the newest state event the board holds: where the stream resumes. */
  lastEventId: string | null
  /** Local ms when the board was last known current. */
  dataAt: number
  heartbeatMs: number
}

/** The stored shape, version 1. */
export interface StoredV1 {
  v: 1
  lastEventId: string | null
  dataAt: number
  heartbeatMs: number
  builds: unknown
  pullRequests: unknown
  deployments: unknown
}

/** The saved board, or null for anything absent, corrupt, of another version or schema-invalid. Never throws. */
export function decodeSavedBoard(text: string | null, now = Date.now()): SavedBoard | null {
  if (text === null || text.length > MAX_STORED_CHARS) return null
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof raw !== 'object' || raw === null) return null
  const stored = raw as Partial<StoredV1>
  if (stored.v !== 1) return null
  const { dataAt, heartbeatMs, lastEventId } = stored
  if (typeof dataAt !== 'number' || !Number.isFinite(dataAt) || dataAt > now) return null
  if (typeof heartbeatMs !== 'number' || !Number.isInteger(heartbeatMs) || heartbeatMs <= 0) return null
  if (lastEventId !== null && (typeof lastEventId !== 'string' || parseEventId(lastEventId) === null)) return null
  // The entities pass the same schema a snapshot from the wire does.
  const parsed = parsePayload('snapshot', {
    builds: stored.builds,
    pullRequests: stored.pullRequests,
    deployments: stored.deployments,
    serverTime: new Date(dataAt).toISOString(),
  })
  // All or nothing: resuming from the saved id would never bring back an entity left out.
  if (!parsed.ok || parsed.dropped || parsed.event.type !== 'snapshot') return null
  const { builds, pullRequests, deployments } = parsed.event.data
  return { builds, pullRequests, deployments, lastEventId: lastEventId ?? null, dataAt, heartbeatMs }
}

/** `localStorage`, or null where it is missing or throws (private mode, sandboxed frames, Node). */
export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

export function loadSavedBoard(storage: Storage | null, now = Date.now()): SavedBoard | null {
  if (!storage) return null
  try {
    return decodeSavedBoard(storage.getItem(STORAGE_KEY), now)
  } catch {
    return null
  }
}
