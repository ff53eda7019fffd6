import { computed } from 'vue'
import { formatDuration } from '../domain/format'
import { useClockStore } from '../stores/clock'
import { useConnectionStore } from '../stores/connection'
import { STALE_AFTER_HEARTBEATS, type ConnectionStatus } from './status'

export interface StalenessInput {
  status: ConnectionStatus
  /** How old the data on screen is (ms), null when none arrived yet. */
  ageMs: number | null
  heartbeatMs: number
  /** The board came from local storage and no stream confirmed it yet. */
  restored: boolean
}

/**
 * Whether the board must look stale: never while live; always for a restored board not yet
 * confirmed; else once the data is older than two heartbeats (a short blip does not dim it).
 */
export function isBoardStale(input: StalenessInput): boolean {
  if (input.status === 'live') return false
  if (input.restored && input.ageMs !== null) return true
  return input.ageMs !== null && input.ageMs > STALE_AFTER_HEARTBEATS * input.heartbeatMs
}

const WHAT_NEXT: Record<ConnectionStatus, string> = {
  live: '',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  stale: 'reconnecting',
  offline: 'waiting for the network',
}

/** The stale banner's sentence, or '' when the board is not stale. */
export function staleBannerText(input: StalenessInput): string {
  if (!isBoardStale(input) || input.ageMs === null) return ''
  const age = formatDuration(input.ageMs)
  const next = WHAT_NEXT[input.status]
  if (input.restored) return `Showing the board saved ${age} ago, ${next}`
  if (input.status === 'offline') return `Offline: data from ${age} ago, ${next}`
  return `Connection lost ${age} ago, ${next}`
}

/**
 * The page's staleness, from the stores: `stale` for the board's `data-stale`, `text` for the
 * banner. Follows the shared one-second clock, so it needs no timer of its own.
 */
export function useStaleness() {
  const connection = useConnectionStore()
  const clock = useClockStore()
  // lastDataAt is local time; the clock is server time: compare like with like.
  const input = computed<StalenessInput>(() => ({
    status: connection.status,
    ageMs:
      connection.lastDataAt === null ? null : Math.max(0, clock.now - clock.serverOffsetMs - connection.lastDataAt),
    heartbeatMs: connection.heartbeatMs,
    restored: connection.restored,
  }))
  const stale = computed(() => isBoardStale(input.value))
  const text = computed(() => staleBannerText(input.value))
  return { stale, text }
}
