import type { watch as vueWatch } from 'vue'
import type { useBoardStore } from '../stores/board'
import type { useConnectionStore } from '../stores/connection'
import { MAX_STORED_CHARS, STORAGE_KEY, type SavedBoard, type StoredV1 } from './savedBoard'

// Saving the board for instant start, loaded by connect.ts after the first paint. Reading it
// back is in savedBoard.ts, re-exported here: one module for whoever handles saved boards.
export * from './savedBoard'

/** Saves happen at most this often (and on pagehide), never per event. */
export const SAVE_INTERVAL_MS = 5000

/** The stored text, or null when the board is too big to keep. */
export function encodeSavedBoard(saved: SavedBoard, maxChars = MAX_STORED_CHARS): string | null {
  const stored: StoredV1 = { v: 1, ...saved }
  const text = JSON.stringify(stored)
  return text.length > maxChars ? null : text
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

/** Saves the page's board from its stores: only a board the stream confirmed (live), with its resume id, as of now. */
export function saveBoardOf(
  board: ReturnType<typeof useBoardStore>,
  connection: ReturnType<typeof useConnectionStore>,
  storage: Storage,
  intervalMs?: number,
): BoardPersistence {
  return createBoardPersistence({
    storage,
    intervalMs,
    read: () => {
      if (connection.status !== 'live') return null
      const state = board.current()
      return {
        builds: [...state.builds.values()],
        pullRequests: [...state.pullRequests.values()],
        deployments: [...state.deployments.values()],
        lastEventId: board.lastEventId,
        dataAt: Date.now(),
        heartbeatMs: connection.heartbeatMs,
      }
    },
  })
}

/**
 * Saves the page's board from now on (saveBoardOf), at every change of the board or the
 * connection's status; `stop` saves what is pending and stops. `watch` is Vue's, handed in by
 * connect.ts so that this chunk imports nothing from Vue (see there).
 */
export function startSaving(
  board: ReturnType<typeof useBoardStore>,
  connection: ReturnType<typeof useConnectionStore>,
  storage: Storage,
  watch: typeof vueWatch,
  intervalMs?: number,
): { stop(): void } {
  const saver = saveBoardOf(board, connection, storage, intervalMs)
  const unwatch = watch(
    [() => board.builds, () => board.pullRequests, () => board.deployments, () => connection.status],
    () => saver.changed(),
  )
  // The board may have gone live while this code was on its way.
  if (connection.status === 'live') saver.changed()
  return {
    stop() {
      unwatch()
      saver.flush()
      saver.stop()
    },
  }
}
