import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LogChunk } from '../protocol'
import { appendLog, createLogBuffer, DEFAULT_MAX_LOG_LINES, type LogBuffer } from '../domain/logBuffer'
import { activeFollows } from '../stream/connect'
import { createFrameScheduler } from './frameScheduler'

const MIN_LOG_LINES = 100
const MAX_LOG_LINES = 100_000

/** Lines the panel keeps: `?logLines=` within 100..100000, else 5,000. */
export function logLinesSetting(search: string): number {
  const raw = new URLSearchParams(search).get('logLines')
  const value = raw === null || raw.trim() === '' ? Number.NaN : Number(raw)
  if (!Number.isSafeInteger(value)) return DEFAULT_MAX_LOG_LINES
  return Math.min(MAX_LOG_LINES, Math.max(MIN_LOG_LINES, value))
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
  /** Counts opens and closes: an open whose follow code arrives after a later one is dropped. */
  let generation = 0
  const scheduler = createFrameScheduler(() => flush())

  /**
   * Lines applied to the buffer but not yet published: a flood that outruns the frames is
   * folded in here (bounded by maxLines), and the view renders once, at the next frame.
   */
  let staged: LogBuffer | null = null

  /** Applies the queued chunks, joining contiguous ones so the buffer is copied once per run. */
  function applyPending(): void {
    if (pending.length === 0) return
    const chunks = pending
    pending = []
    pendingLines = 0
    let next = staged ?? buffer.value
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
    staged = appendLog(next, runOffset, run).buffer
  }

  /** Applies everything queued and publishes it to the view (once per animation frame). */
  function flush(): void {
    scheduler.cancel()
    applyPending()
    if (staged !== null && staged !== buffer.value) buffer.value = staged
    staged = null
  }

  // Not an action: the stream calls it per event, and Pinia's action wrapper would cost more than the push.
  const receive = (chunk: LogChunk): void => {
    if (chunk.buildId !== buildId.value || chunk.lines.length === 0) return
    pending.push(chunk)
    pendingLines += chunk.lines.length
    // Memory stays bounded when frames do not come (a busy or hidden tab under a flood),
    // without rendering from inside the stream's event task.
    if (pendingLines > maxLines.value) applyPending()
    scheduler.schedule()
  }

  /** Follows `id` from its first line, after letting go of the build followed before. */
  async function open(id: string): Promise<boolean> {
    if (id === buildId.value) return accepted.value
    close()
    buildId.value = id
    buffer.value = createLogBuffer({ maxLines: maxLines.value })
    const opened = ++generation
    const follows = await activeFollows()
    // Closed, or opened again, while the follow code was on its way: only the latest open follows.
    if (opened !== generation) return false
    unsubscribe = follows?.onLog(receive) ?? null
    const ok = (await follows?.follow(id, 0)) ?? false
    // An answer to an open that was closed (even if the same build was opened again since) says nothing of the latest.
    if (opened === generation) accepted.value = ok
    return ok
  }

  /** Stops following and frees the lines. */
  function close(): void {
    const id = buildId.value
    if (id === null) return
    generation++
    unsubscribe?.()
    unsubscribe = null
    scheduler.cancel()
    pending = []
    pendingLines = 0
    staged = null
    buildId.value = null
    accepted.value = false
    buffer.value = createLogBuffer({ maxLines: maxLines.value })
    void activeFollows().then((follows) => follows?.unfollow(id))
  }

  return { buildId, maxLines, buffer, accepted, lines, hiddenBefore, open, close, flush, receive }
})
