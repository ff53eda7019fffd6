import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LogChunk } from '../protocol'
import { appendLog, createLogBuffer, DEFAULT_MAX_LOG_LINES, type LogBuffer } from '../domain/logBuffer'
import { follow, onLog, unfollow } from '../stream/connect'

type TimerId = ReturnType<typeof globalThis.setTimeout>

const FALLBACK_FLUSH_MS = 16
/** A flush happens by then even if the animation frame never comes (tab hidden). */
const BACKSTOP_FLUSH_MS = 250
const MIN_LOG_LINES = 100
const MAX_LOG_LINES = 100_000

/** Lines the panel keeps: `?logLines=` within 100..100000, else 5,000. */
export function logLinesSetting(search: string): number {
  const raw = new URLSearchParams(search).get('logLines')
  const value = raw === null || raw.trim() === '' ? Number.NaN : Number(raw)
  if (!Number.isSafeInteger(value)) return DEFAULT_MAX_LOG_LINES
  return Math.min(MAX_LOG_LINES, Math.max(MIN_LOG_LINES, value))
}

function canUseAnimationFrame(): boolean {
  if (typeof globalThis.requestAnimationFrame !== 'function') return false
  return typeof document === 'undefined' || document.visibilityState !== 'hidden'
}

/**
 * The one build log the panel follows. Chunks from the stream are queued and applied once
 * per animation frame into a `shallowRef` buffer replaced whole, so a flood of lines costs
 * one render per frame instead of one per event. The buffer drops lines it already holds:
 * offsets are the truth across backlogs, replays and the re-follow after a reconnect.
 */
export const useLogStore = defineStore('log', () => {
  const buildId = ref<string | null>(null)
  const maxLines = ref(typeof location === 'undefined' ? DEFAULT_MAX_LOG_LINES : logLinesSetting(location.search))
  const buffer = shallowRef<LogBuffer>(createLogBuffer({ maxLines: maxLines.value }))
  /** Whether the last follow request was accepted (false until the connection said hello). */
  const accepted = ref(false)

  const lines = computed(() => buffer.value.lines)
  /** Lines before the first one shown: trimmed here, or already gone on the server. */
  const hiddenBefore = computed(() => buffer.value.lines[0]?.offset ?? buffer.value.floor)

  let pending: LogChunk[] = []
  let pendingLines = 0
  let unsubscribe: (() => void) | null = null
  let frame: number | null = null
  let timer: TimerId | null = null
  let backstop: TimerId | null = null

  function cancelScheduled(): void {
    if (frame !== null) globalThis.cancelAnimationFrame(frame)
    if (timer !== null) globalThis.clearTimeout(timer)
    if (backstop !== null) globalThis.clearTimeout(backstop)
    frame = timer = backstop = null
  }

  function schedule(): void {
    if (frame !== null || timer !== null) return
    if (canUseAnimationFrame()) {
      frame = globalThis.requestAnimationFrame(() => flush())
      backstop = globalThis.setTimeout(() => flush(), BACKSTOP_FLUSH_MS)
    } else {
      timer = globalThis.setTimeout(() => flush(), FALLBACK_FLUSH_MS)
    }
  }

  /** Applies every queued chunk now, joining contiguous chunks so the buffer is copied once per run. */
  function flush(): void {
    cancelScheduled()
    if (pending.length === 0) return
    const chunks = pending
    pending = []
    pendingLines = 0
    let next = buffer.value
    let runOffset = chunks[0]!.offset
    let run: string[] = []
    for (const chunk of chunks) {
      if (chunk.offset !== runOffset + run.length) {
        next = appendLog(next, runOffset, run).buffer
        runOffset = chunk.offset
        run = []
      }
      for (const line of chunk.lines) run.push(line)
    }
    next = appendLog(next, runOffset, run).buffer
    if (next !== buffer.value) buffer.value = next
  }

  // Not an action: the stream calls it per event, and Pinia's action wrapper would cost more than the push.
  const receive = (chunk: LogChunk): void => {
    if (chunk.buildId !== buildId.value || chunk.lines.length === 0) return
    pending.push(chunk)
    pendingLines += chunk.lines.length
    // Memory stays bounded even when frames do not come (a hidden tab under a flood).
    if (pendingLines > maxLines.value) flush()
    else schedule()
  }

  /** Follows `id` from its first line, after letting go of the build followed before. */
  async function open(id: string): Promise<boolean> {
    if (id === buildId.value) return accepted.value
    close()
    buildId.value = id
    buffer.value = createLogBuffer({ maxLines: maxLines.value })
    unsubscribe = onLog(receive)
    const ok = await follow(id, 0)
    if (buildId.value === id) accepted.value = ok
    return ok
  }

  /** Stops following and frees the lines. */
  function close(): void {
    const id = buildId.value
    if (id === null) return
    unsubscribe?.()
    unsubscribe = null
    cancelScheduled()
    pending = []
    pendingLines = 0
    buildId.value = null
    accepted.value = false
    buffer.value = createLogBuffer({ maxLines: maxLines.value })
    void unfollow(id)
  }

  return { buildId, maxLines, buffer, accepted, lines, hiddenBefore, open, close, flush, receive }
})
