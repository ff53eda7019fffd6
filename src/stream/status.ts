export const CONNECTION_STATUSES = ['connecting', 'live', 'reconnecting', 'stale', 'offline'] as const
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number]

/** What the stream client knows at one moment; `deriveStatus` turns it into the badge's status. */
export interface StatusInput {
  /** `navigator.onLine`; only `false` is trusted (true may be wrong, false rarely is). */
  online: boolean
  /** The current connection said hello and delivered a snapshot or started replaying. */
  synced: boolean
  /** A planned hand-over (`reconnect` event) to a fresh connection is under way. */
  handover: boolean
  /** A connection failed or was replaced before: a new attempt is a reconnect, not the first connect. */
  recovering: boolean
  /** Local ms when the data was last known current, null before any snapshot or replay. */
  lastDataAt: number | null
  heartbeatMs: number
  now: number
}

/**
 * The longest heartbeat interval the page believes. A server announcing an hour would otherwise
 * keep a dead connection looking live for hours; past this the watchdog still checks the stream
 * after 2.5 minutes of silence and the data turns stale after 2.
 */
export const MAX_HEARTBEAT_MS = 60_000

/** The interval the watchdog and the staleness rule work from, for one a hello announced. */
export function trustedHeartbeatMs(announcedMs: number): number {
  return Math.min(announcedMs, MAX_HEARTBEAT_MS)
}

/** Data older than this many heartbeats, without a live connection, is stale. */
export const STALE_AFTER_HEARTBEATS = 2

/** The local ms at which the data turns stale, or null when it cannot (nothing held). */
export function staleDeadline(input: Pick<StatusInput, 'lastDataAt' | 'heartbeatMs'>): number | null {
  return input.lastDataAt === null ? null : input.lastDataAt + STALE_AFTER_HEARTBEATS * input.heartbeatMs
}

export function deriveStatus(input: StatusInput): ConnectionStatus {
  if (!input.online) return 'offline'
  if (input.synced) return 'live'
  const deadline = staleDeadline(input)
  if (deadline !== null && input.now > deadline) return 'stale'
  // A planned recycle keeps the badge calm while the data is still fresh.
  if (input.handover && deadline !== null) return 'live'
  return input.recovering ? 'reconnecting' : 'connecting'
}

/** Delay before reopen attempt `attempt` (0-based): full jitter over an exponential ceiling. */
export function backoffDelay(attempt: number, random: () => number, baseMs = 1000, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * ceiling)
}
