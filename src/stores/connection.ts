import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { RejectKind } from '../protocol'
import { trustedHeartbeatMs, type ConnectionStatus } from '../stream/status'

export interface StatusChange {
  status: ConnectionStatus
  /** Local ms. */
  at: number
}

export const STATUS_HISTORY_LENGTH = 20
/** Frame times are recorded at this granularity, so a busy stream does not write refs per event. */
export const FRAME_TIME_RESOLUTION_MS = 250

export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('connecting')
  const connectionId = ref<string | null>(null)
  const heartbeatMs = ref(15_000)
  const lastMessageAt = ref<number | null>(null)
  const lastDataAt = ref<number | null>(null)
  const serverVersion = ref<string | null>(null)
  const history = shallowRef<readonly StatusChange[]>([])
  const dropped = ref<Record<string, number>>({})
  /** The board came from local storage and no stream has confirmed it yet (instant start). */
  const restored = ref(false)
  const isLive = computed(() => status.value === 'live')

  function setStatus(next: ConnectionStatus, at = Date.now()): void {
    if (next === 'live') restored.value = false
    if (next === status.value && history.value.length > 0) return
    status.value = next
    history.value = [...history.value, { status: next, at }].slice(-STATUS_HISTORY_LENGTH)
  }

  function recordHello(hello: { connectionId: string; serverVersion: string; heartbeatMs: number }): void {
    connectionId.value = hello.connectionId
    serverVersion.value = hello.serverVersion
    heartbeatMs.value = trustedHeartbeatMs(hello.heartbeatMs)
  }

  /** Records frame times; `force` for rare frames, else only when they moved by the resolution. */
  function recordFrame(messageAt: number | null, dataAt: number | null, force = false): void {
    if (
      messageAt !== null &&
      (force || lastMessageAt.value === null || messageAt - lastMessageAt.value >= FRAME_TIME_RESOLUTION_MS)
    ) {
      lastMessageAt.value = messageAt
    }
    if (
      dataAt !== null &&
      (force || lastDataAt.value === null || dataAt - lastDataAt.value >= FRAME_TIME_RESOLUTION_MS)
    ) {
      lastDataAt.value = dataAt
    }
  }

  /** The board was restored from local storage, current as of `dataAt` (local ms). */
  function markRestored(dataAt: number, heartbeat: number): void {
    restored.value = true
    lastDataAt.value = dataAt
    heartbeatMs.value = heartbeat
  }

  /** Counts a rejected frame; true the first time this kind is seen (the caller logs once). */
  function recordRejection(kind: RejectKind | string): boolean {
    const first = !(kind in dropped.value)
    dropped.value = { ...dropped.value, [kind]: (dropped.value[kind] ?? 0) + 1 }
    return first
  }

  return {
    status,
    connectionId,
    heartbeatMs,
    lastMessageAt,
    lastDataAt,
    serverVersion,
    history,
    dropped,
    restored,
    isLive,
    setStatus,
    recordHello,
    recordFrame,
    recordRejection,
    markRestored,
  }
})
