import { parseEventId, parsePayload, type Build, type Deployment, type PullRequest } from '../protocol'

// Instant start: the last confirmed board and its resume id, kept in local storage so a
// reload or a kiosk reboot shows the board at once (marked stale until the stream confirms it).

/** Versioned: a change of the stored shape gets a new key, and old entries are ignored. */
export const STORAGE_KEY = 'radiator.board.v1'
/** Local storage holds about 5 MB per origin; a board bigger than this is not kept at all. */
export const MAX_STORED_CHARS = 2_000_000
/** Saves happen at most this often (and on pagehide), never per event. */
export const SAVE_INTERVAL_MS = 5000

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

interface StoredV1 {
  v: 1
  lastEventId: string | null
  dataAt: number
  heartbeatMs: number
  builds: unknown
  pullRequests: unknown
  deployments: unknown
}

/** The stored text, or null when the board is too big to keep. */
export function encodeSavedBoard(saved: SavedBoard, maxChars = MAX_STORED_CHARS): string | null {
  const stored: StoredV1 = { v: 1, ...saved }
  const text = JSON.stringify(stored)
  return text.length > maxChars ? null : text
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

/** Writes the board, or removes the key when it is too big or the quota is full; true when written. */
export function storeSavedBoard(storage: Storage, saved: SavedBoard, maxChars = MAX_STORED_CHARS): boolean {
  const text = encodeSavedBoard(saved, maxChars)
  try {
    if (text === null) {
      storage.removeItem(STORAGE_KEY)
      return false
    }
    storage.setItem(STORAGE_KEY, text)
    return true
  } catch {
    try {
      storage.removeItem(STORAGE_KEY)
    } catch {
      // nothing more to do: the page works without instant start
    }
    return false
  }
}

type TimerId = ReturnType<typeof globalThis.setTimeout>

export interface BoardPersistenceOptions {
  storage: Storage
  /** The board to save now, or null when it is not confirmed by the stream (nothing is saved). */
  read: () => SavedBoard | null
  intervalMs?: number
  maxChars?: number
  now?: () => number
  setTimeout?: (fn: () => void, ms: number) => TimerId
  clearTimeout?: (id: TimerId) => void
  /** Receives `pagehide` and `visibilitychange` (the window and document in a browser). */
  pageTarget?: EventTarget | null
  isHidden?: () => boolean
  /** Runs a throttled save when the page is idle (`requestIdleCallback`), so it never costs a busy frame. */
  whenIdle?: (fn: () => void) => void
}

function browserIdle(): ((fn: () => void) => void) | undefined {
  if (typeof globalThis.requestIdleCallback !== 'function') return undefined
  return (fn) => void globalThis.requestIdleCallback(fn, { timeout: 2000 })
}

export interface BoardPersistence {
  /** The board changed: save it within `intervalMs`. */
  changed(): void
  /** Saves now (if there is something confirmed to save). */
  flush(): void
  stop(): void
}

/** Throttled saving of the board: at most once per `intervalMs`, and at once when the page hides. */
export function createBoardPersistence(options: BoardPersistenceOptions): BoardPersistence {
  const interval = options.intervalMs ?? SAVE_INTERVAL_MS
  const now = options.now ?? (() => Date.now())
  const setTimer = options.setTimeout ?? ((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms))
  const clearTimer = options.clearTimeout ?? ((id: TimerId) => globalThis.clearTimeout(id))
  const target = options.pageTarget === undefined ? (typeof window !== 'undefined' ? window : null) : options.pageTarget
  const isHidden = options.isHidden ?? (() => typeof document !== 'undefined' && document.visibilityState === 'hidden')
  const whenIdle = options.whenIdle ?? browserIdle() ?? ((fn: () => void) => fn())
  let timer: TimerId | null = null
  let lastSaveAt = Number.NEGATIVE_INFINITY
  let dirty = false
  let stopped = false

  function flush(): void {
    if (timer !== null) clearTimer(timer)
    timer = null
    if (stopped || !dirty) return
    const saved = options.read()
    if (!saved) return
    dirty = false
    lastSaveAt = now()
    storeSavedBoard(options.storage, saved, options.maxChars)
  }

  function changed(): void {
    if (stopped) return
    dirty = true
    if (timer !== null) return
    timer = setTimer(() => whenIdle(flush), Math.max(0, lastSaveAt + interval - now()))
  }

  const onHide = () => flush()
  const onVisibility = () => {
    if (isHidden()) flush()
  }
  target?.addEventListener('pagehide', onHide)
  target?.addEventListener('visibilitychange', onVisibility)

  return {
    changed,
    flush,
    stop() {
      if (timer !== null) clearTimer(timer)
      timer = null
      stopped = true
      target?.removeEventListener('pagehide', onHide)
      target?.removeEventListener('visibilitychange', onVisibility)
    },
  }
}
