import { freezeEntity } from '../domain/boardState'
import { EVENT_TYPES, parseFrame, type Rejection, type StreamEvent } from '../protocol'
import { backoffDelay, deriveStatus, staleDeadline, trustedHeartbeatMs, type ConnectionStatus } from './status'

/** The part of the browser's EventSource this module uses, so tests can hand in a fake. */
export interface EventSourceLike extends EventTarget {
  readonly readyState: number
  close(): void
}
export type EventSourceConstructor = new (url: string) => EventSourceLike

const CLOSED = 2

/** Ids mark the resume point only on these; per-connection frames carry none. */
const RESUMABLE = new Set(['snapshot', 'build', 'pull_request', 'deployment'])

type TimerId = ReturnType<typeof globalThis.setTimeout>

export interface StreamInfo {
  status: ConnectionStatus
  connectionId: string | null
  heartbeatMs: number
  lastEventId: string | null
  /** Local ms of the last frame of any kind. */
  lastMessageAt: number | null
  /** Local ms when the data was last known current. */
  lastDataAt: number | null
  /** How many times the stream was opened (first connect included). */
  opens: number
}

export interface NetworkSignals {
  /** Receives `online` and `offline` events (the window in a browser). */
  target: EventTarget | null
  isOnline(): boolean
}

export interface StreamClientOptions {
  url: string
  EventSourceImpl?: EventSourceConstructor
  onEvent: (event: StreamEvent) => void
  onReject?: (rejection: Rejection) => void
  onStatus?: (status: ConnectionStatus, info: StreamInfo) => void
  /** Watchdog period basis until a hello names `heartbeatMs`. */
  heartbeatFallbackMs?: number
  /** Silence (no frame at all) longer than this many heartbeats reopens the stream. */
  watchdogHeartbeats?: number
  /**
   * A connection with no hello this long after it opened is reopened, even if the watchdog would
   * wait longer (a hello is the first frame a server sends; 10 s by default).
   */
  helloTimeoutMs?: number
  backoffBaseMs?: number
  backoffCapMs?: number
  /** Resume point to start from, if the page already holds state. */
  lastEventId?: string | null
  /** Local ms when the state the page already holds was last known current (instant start). */
  lastDataAt?: number | null
  random?: () => number
  now?: () => number
  setTimeout?: (fn: () => void, ms: number) => TimerId
  clearTimeout?: (id: TimerId) => void
  network?: NetworkSignals
}

export interface StreamClient {
  /** Closes the current connection and opens a fresh one at once, resuming. */
  reconnect(): void
  /** Stops for good: closes the connection, removes every listener and timer. */
  close(): void
  info(): StreamInfo
}

function defaultNetwork(): NetworkSignals {
  const target = typeof window !== 'undefined' ? window : null
  return {
    target,
    isOnline: () =>
      typeof navigator !== 'undefined' && typeof navigator.onLine === 'boolean' ? navigator.onLine : true,
  }
}

/** `url` with the resume point as `lastEventId`, which survives the reopen (a header would not). */
export function streamUrl(url: string, lastEventId: string | null): string {
  if (!lastEventId) return url
  return `${url}${url.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(lastEventId)}`
}

/**
 * The page's one EventSource. Keeps the resume point itself, reopens on a `reconnect`
 * event, on silence (watchdog) and after the browser gives up (backoff with full jitter,
 * forever), and derives the connection status. At most one EventSource is open at a time.
 */
export function createStreamClient(options: StreamClientOptions): StreamClient {
  const MaybeImpl = options.EventSourceImpl ?? (globalThis.EventSource as EventSourceConstructor | undefined)
  if (!MaybeImpl) throw new Error('No EventSource available')
  const Impl: EventSourceConstructor = MaybeImpl
  const now = options.now ?? (() => Date.now())
  const random = options.random ?? Math.random
  const setTimer = options.setTimeout ?? ((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms))
  const clearTimer = options.clearTimeout ?? ((id: TimerId) => globalThis.clearTimeout(id))
  const network = options.network ?? defaultNetwork()
  const watchdogHeartbeats = options.watchdogHeartbeats ?? 2.5
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000
  const baseMs = options.backoffBaseMs ?? 1000
  const capMs = options.backoffCapMs ?? 30_000

  let source: EventSourceLike | null = null
  let closed = false
  let online = network.isOnline()
  let synced = false
  let handover = false
  let recovering = false
  let attempt = 0
  let opens = 0
  let heartbeatMs = options.heartbeatFallbackMs ?? 15_000
  let connectionId: string | null = null
  /** The current connection has not said hello yet. */
  let awaitingHello = false
  let lastEventId: string | null = options.lastEventId ?? null
  let lastMessageAt: number | null = null
  /** Local ms of the last frame on the current connection, or of its opening. */
  let lastActivityAt = 0
  let openedAt = 0
  let lastDataAt: number | null = options.lastDataAt ?? null
  let status: ConnectionStatus | null = null
  let watchdog: TimerId | null = null
  let backoff: TimerId | null = null
  let staleTimer: TimerId | null = null

  const info = (): StreamInfo => ({
    status: status ?? 'connecting',
    connectionId,
    heartbeatMs,
    lastEventId,
    lastMessageAt,
    lastDataAt,
    opens,
  })

  function clear(timer: TimerId | null): null {
    if (timer !== null) clearTimer(timer)
    return null
  }

  function updateStatus(): void {
    if (closed) return
    const input = { online, synced, handover, recovering, lastDataAt, heartbeatMs, now: now() }
    const next = deriveStatus(input)
    staleTimer = clear(staleTimer)
    const deadline = staleDeadline(input)
    if ((next === 'reconnecting' || next === 'live') && !synced && deadline !== null) {
      staleTimer = setTimer(updateStatus, Math.max(0, deadline - input.now) + 1)
    }
    if (next === status) return
    status = next
    options.onStatus?.(next, info())
  }

  // The watchdog timer is not re-armed per frame (thousands a second): when it fires it
  // checks how long the stream has really been quiet and waits out the rest.
  // Before the hello, only the hello timeout counts, whatever else arrives: until heartbeatMs is
  // known, waiting 2.5 heartbeats means 37.5 s of "connecting" on a first load whose
  // request stalled.
  function silenceLimit(): number {
    const limit = watchdogHeartbeats * heartbeatMs
    return awaitingHello ? Math.min(limit, helloTimeoutMs) : limit
  }

  function armWatchdog(): void {
    watchdog = clear(watchdog)
    watchdog = setTimer(checkSilence, silenceLimit())
  }

  function checkSilence(): void {
    watchdog = null
    const limit = silenceLimit()
    const quiet = now() - (awaitingHello ? openedAt : lastActivityAt)
    if (quiet >= limit) reopen()
    else watchdog = setTimer(checkSilence, limit - quiet)
  }

  const onFrame = (e: Event) => {
    const message = e as MessageEvent
    const at = now()
    lastMessageAt = at
    lastActivityAt = at
    if (synced) lastDataAt = at
    const id = RESUMABLE.has(message.type) ? message.lastEventId || null : null
    const result = parseFrame(message.type, typeof message.data === 'string' ? message.data : '', id)
    if (!result.ok) {
      options.onReject?.(result)
      return
    }
    for (const rejection of result.dropped ?? []) options.onReject?.(rejection)
    const event = result.event
    // Frozen once here, at ingest, so the reducer's per-event work stays a lookup and a set.
    if (event.type === 'build' || event.type === 'pull_request' || event.type === 'deployment') freezeEntity(event.data)
    if (event.id !== null) lastEventId = event.id
    if (event.type === 'hello') onHello(event.data.connectionId, event.data.heartbeatMs, event.data.replayed, at)
    else if (event.type === 'snapshot') markSynced(at)
    try {
      options.onEvent(event)
    } finally {
      if (event.type === 'reconnect') {
        handover = true
        reopen()
      }
    }
  }

  function onHello(id: string, heartbeat: number, replayed: boolean, at: number): void {
    connectionId = id
    awaitingHello = false
    heartbeatMs = trustedHeartbeatMs(heartbeat)
    attempt = 0
    armWatchdog()
    if (replayed) markSynced(at)
  }

  function markSynced(at: number): void {
    synced = true
    handover = false
    lastDataAt = at
    updateStatus()
  }

  const onError = () => {
    if (!source) return
    synced = false
    handover = false
    recovering = true
    if (source.readyState === CLOSED) {
      // The browser gave up (non-200, wrong content type): it will not retry on its own.
      detach()
      scheduleBackoff()
    }
    updateStatus()
  }

  const frameTypes = [...EVENT_TYPES, 'message']

  function attach(es: EventSourceLike): void {
    for (const type of frameTypes) es.addEventListener(type, onFrame)
    es.addEventListener('error', onError)
  }

  function detach(): void {
    const es = source
    source = null
    watchdog = clear(watchdog)
    if (!es) return
    for (const type of frameTypes) es.removeEventListener(type, onFrame)
    es.removeEventListener('error', onError)
    es.close()
  }

  function open(): void {
    backoff = clear(backoff)
    detach()
    if (closed || !online) return
    synced = false
    opens++
    source = new Impl(streamUrl(options.url, lastEventId))
    attach(source)
    lastActivityAt = now()
    openedAt = lastActivityAt
    awaitingHello = true
    armWatchdog()
    updateStatus()
  }

  function reopen(): void {
    recovering = true
    synced = false
    open()
  }

  function scheduleBackoff(): void {
    backoff = clear(backoff)
    if (closed || !online) return
    const delay = backoffDelay(attempt, random, baseMs, capMs)
    attempt++
    backoff = setTimer(() => {
      backoff = null
      open()
    }, delay)
  }

  const onOnline = () => {
    online = true
    attempt = 0
    reopen()
  }

  const onOffline = () => {
    online = false
    synced = false
    backoff = clear(backoff)
    updateStatus()
  }

  network.target?.addEventListener('online', onOnline)
  network.target?.addEventListener('offline', onOffline)
  if (online) open()
  else updateStatus()

  return {
    reconnect: () => {
      if (!closed) reopen()
    },
    close: () => {
      if (closed) return
      detach()
      closed = true
      backoff = clear(backoff)
      staleTimer = clear(staleTimer)
      network.target?.removeEventListener('online', onOnline)
      network.target?.removeEventListener('offline', onOffline)
    },
    info,
  }
}
