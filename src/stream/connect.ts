import type { Pinia } from 'pinia'
import { watch } from 'vue'
import type { Rejection, StreamEvent } from '../protocol'
import { useBoardStore } from '../stores/board'
import { useClockStore } from '../stores/clock'
import { FRAME_TIME_RESOLUTION_MS, useConnectionStore } from '../stores/connection'
import { createStreamClient, type EventSourceConstructor, type StreamClientOptions } from './eventSource'
import type { Follows } from './follow'
import { browserStorage, loadSavedBoard, type SavedBoard } from './savedBoard'
import type { SelfUpdate, SelfUpdateOptions } from './selfUpdate'

export interface ConnectBoardOptions {
  url?: string
  followUrl?: string
  EventSourceImpl?: EventSourceConstructor
  fetchImpl?: typeof fetch
  pinia?: Pinia
  /** Passed through to the stream client (timers, random, network signals...). */
  client?: Partial<Omit<StreamClientOptions, 'url' | 'EventSourceImpl' | 'onEvent' | 'onReject' | 'onStatus'>>
  warn?: (message: string) => void
  /** Instant start: restore the last board from this storage and keep saving it (off by default). */
  persist?: { storage?: Storage | null; intervalMs?: number }
  /** Reload the page when a hello names a new release (off by default). */
  selfUpdate?: SelfUpdateOptions
}

/** Callable as `stop()`; also carries the log follows for the log panel. */
export interface BoardConnection {
  (): void
  stop(): void
  /**
   * The connection's log follows (follow.ts: follow a build's log, subscribe to its chunks),
   * loaded on first use; null if their code cannot be loaded (tried again on the next call).
   */
  follows(): Promise<Follows | null>
  /** Opens a fresh connection at once, resuming. */
  reconnect(): void
}

let active: BoardConnection | null = null

/**
 * Wires the one stream into the stores: snapshot -> board.applySnapshot, state events ->
 * board.enqueue, hello/heartbeat -> clock and connection, rejections -> connection.dropped.
 */
export function connectBoard(options: ConnectBoardOptions = {}): BoardConnection {
  const board = useBoardStore(options.pinia)
  const clock = useClockStore(options.pinia)
  const connection = useConnectionStore(options.pinia)
  const warn = options.warn ?? ((message: string) => console.warn(message))
  const warned = new Set<string>()

  const ingest = board.ingest
  /** Set by stop(): a part whose code arrives later must not start then. */
  let stopped = false
  const restored = options.persist ? restoreBoard(options.persist.storage ?? browserStorage()) : null
  const selfUpdate = options.selfUpdate ? startSelfUpdate(options.selfUpdate) : null

  function restoreBoard(storage: Storage | null): { storage: Storage; saved: SavedBoard | null } | null {
    if (!storage) return null
    const saved = loadSavedBoard(storage)
    if (saved) {
      board.applySnapshot(saved, saved.lastEventId)
      connection.markRestored(saved.dataAt, saved.heartbeatMs)
    }
    return { storage, saved }
  }

  /**
   * Self-update acts on a later hello than the first, so its code loads after the first paint
   * (a chunk of its own); the versions seen meanwhile wait for it, in order.
   */
  function startSelfUpdate(selfUpdateOptions: SelfUpdateOptions): Pick<SelfUpdate, 'observeVersion' | 'stop'> {
    const seen: string[] = []
    let updater: SelfUpdate | null = null
    void import('./selfUpdate').then((module) => {
      if (stopped) return
      updater = module.createSelfUpdate(selfUpdateOptions)
      for (const version of seen) updater.observeVersion(version)
    })
    return {
      observeVersion: (version) => (updater ? updater.observeVersion(version) : void seen.push(version)),
      stop: () => updater?.stop(),
    }
  }

  function onEvent(event: StreamEvent): void {
    switch (event.type) {
      case 'build':
      case 'pull_request':
      case 'deployment':
        ingest.enqueue(event)
        break
      case 'snapshot':
        clock.syncServerTime(event.data.serverTime)
        board.applySnapshot(event.data, event.id)
        break
      case 'hello': {
        connection.recordHello(event.data)
        selfUpdate?.observeVersion(event.data.serverVersion)
        const serverTime = (event.data as { serverTime?: unknown }).serverTime
        if (typeof serverTime === 'string') clock.syncServerTime(serverTime)
        connectionId = event.data.connectionId
        if (follows) void follows.connected(connectionId)
        break
      }
      case 'heartbeat':
        clock.syncServerTime(event.data.serverTime)
        break
      case 'log':
        follows?.received(event.data)
        break
      case 'reconnect':
        break
    }
    // A followed log can flood too: its times are recorded coarsely, like state events.
    recordFrameTimes(
      event.type === 'build' || event.type === 'pull_request' || event.type === 'deployment' || event.type === 'log',
    )
  }

  /** The current connection's id from its hello; follow requests name it. */
  let connectionId: string | null = null
  let follows: Follows | null = null
  let followsLoading: Promise<Follows | null> | null = null

  /**
   * Following a build's log is for the log panel, opened on a click: its code loads on first
   * use (a chunk of its own) and is told about the connection as it is by then. Null if that
   * code cannot be loaded (tried again on the next call).
   */
  function loadFollows(): Promise<Follows | null> {
    followsLoading ??= import('./follow').then(
      (module) => {
        follows = module.createFollows(
          module.createFetchTransport(options.followUrl ?? '/api/follow', options.fetchImpl),
        )
        if (connectionId !== null) void follows.connected(connectionId)
        return follows
      },
      (error: unknown) => {
        followsLoading = null
        warn(`radiator: the log follow code did not load: ${String(error)}`)
        return null
      },
    )
    return followsLoading
  }

  let recordedAt = Number.NEGATIVE_INFINITY
  // State events can come thousands a second: their times are copied into the store at a
  // coarse resolution; every other frame is rare and recorded exactly.
  function recordFrameTimes(isStateEvent: boolean): void {
    const now = Date.now()
    if (isStateEvent && now - recordedAt < FRAME_TIME_RESOLUTION_MS) return
    recordedAt = now
    const info = client.info()
    connection.recordFrame(info.lastMessageAt, info.lastDataAt, true)
  }

  function onReject(rejection: Rejection): void {
    if (connection.recordRejection(rejection.kind) && !warned.has(rejection.kind)) {
      warned.add(rejection.kind)
      warn(`radiator: dropped a ${rejection.type} frame (${rejection.kind}): ${rejection.reason}`)
    }
  }

  const client = createStreamClient({
    ...options.client,
    url: options.url ?? '/api/stream',
    EventSourceImpl: options.EventSourceImpl,
    lastEventId: options.client?.lastEventId ?? board.lastEventId,
    lastDataAt: options.client?.lastDataAt ?? restored?.saved?.dataAt ?? null,
    heartbeatFallbackMs: options.client?.heartbeatFallbackMs ?? restored?.saved?.heartbeatMs,
    onEvent,
    onReject,
    onStatus: (status, info) => {
      connection.setStatus(status)
      connection.recordFrame(info.lastMessageAt, info.lastDataAt, true)
    },
  })
  clock.start()
  let saving: { stop(): void } | null = null
  // Only a confirmed board is saved, so saving (a chunk of its own) loads after the first paint.
  // Vue's watch is handed to it: a `vue` import in persist.ts made Rolldown move Vue out of the
  // entry into a chunk of its own, a second request before the first paint.
  if (restored) {
    void import('./persist').then((persist) => {
      if (!stopped)
        saving = persist.startSaving(board, connection, restored.storage, watch, options.persist?.intervalMs)
    })
  }

  const stop = () => {
    stopped = true
    saving?.stop()
    selfUpdate?.stop()
    client.close()
    clock.stop()
    connectionId = null
    follows?.disconnected()
    if (active === handle) active = null
  }
  const handle: BoardConnection = Object.assign(stop, {
    stop,
    follows: loadFollows,
    reconnect: () => client.reconnect(),
  })
  active = handle
  return handle
}

/** The log follows of the active connection (see `connectBoard`), null without one. */
export function activeFollows(): Promise<Follows | null> {
  return active ? active.follows() : Promise.resolve(null)
}
