import { defineStore } from 'pinia'
import { ref } from 'vue'
import { msToNextSecond, nextOffset, offsetFromServerTime, serverNow as shift } from '../domain/clock'

type TimerId = ReturnType<typeof globalThis.setTimeout>

/**
 * The page's one clock: `now` is server-corrected ms, ticking once per second from a single
 * timer for the whole page (cards derive their "for 3 min" labels from it, none has a timer).
 */
export const useClockStore = defineStore('clock', () => {
  const serverOffsetMs = ref(0)
  const now = ref(Date.now())
  let timer: TimerId | null = null
  let synced = false

  /** The corrected time right now, not rounded to the tick (for code that needs it exactly). */
  function serverNow(): number {
    return shift(Date.now(), serverOffsetMs.value)
  }

  function tick(): void {
    now.value = serverNow()
  }

  function schedule(): void {
    timer = globalThis.setTimeout(
      () => {
        tick()
        schedule()
      },
      msToNextSecond(Date.now(), serverOffsetMs.value),
    )
  }

  function start(): void {
    if (timer !== null) return
    tick()
    schedule()
  }

  function stop(): void {
    if (timer !== null) globalThis.clearTimeout(timer)
    timer = null
  }

  /** Takes a server time (hello, snapshot or heartbeat) as a sample of the clock offset. */
  function syncServerTime(serverTimeIso: string, localNowMs = Date.now()): void {
    const sample = offsetFromServerTime(serverTimeIso, localNowMs)
    if (sample === null) return
    const next = nextOffset(synced ? serverOffsetMs.value : null, sample)
    synced = true
    if (next === serverOffsetMs.value) return
    serverOffsetMs.value = next
    tick()
  }

  return { now, serverOffsetMs, serverNow, start, stop, syncServerTime }
})
