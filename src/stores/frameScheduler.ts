type TimerId = ReturnType<typeof globalThis.setTimeout>

/** Flush delay when there is no animation frame to wait for (Node, hidden tab). */
export const FALLBACK_FLUSH_MS = 16
/** A flush happens by then even if the animation frame never comes (tab hidden after scheduling). */
export const BACKSTOP_FLUSH_MS = 250

function canUseAnimationFrame(): boolean {
  if (typeof globalThis.requestAnimationFrame !== 'function') return false
  return typeof document === 'undefined' || document.visibilityState !== 'hidden'
}

export interface FrameScheduler {
  /** Asks for one `run` at the next animation frame; repeated asks before it coalesce. */
  schedule(): void
  /** Forgets a pending run (the caller is flushing now, or stopping). */
  cancel(): void
}

/**
 * Coalesces work to once per animation frame, which is how both the board and the log
 * panel turn a burst of events into one render. Without frames (Node, a hidden tab) it
 * falls back to a short timeout; a backstop covers a frame that never comes.
 */
export function createFrameScheduler(run: () => void): FrameScheduler {
  let frame: number | null = null
  let timer: TimerId | null = null
  let backstop: TimerId | null = null

  function cancel(): void {
    if (frame !== null) globalThis.cancelAnimationFrame(frame)
    if (timer !== null) globalThis.clearTimeout(timer)
    if (backstop !== null) globalThis.clearTimeout(backstop)
    frame = timer = backstop = null
  }

  function schedule(): void {
    if (frame !== null || timer !== null) return
    if (canUseAnimationFrame()) {
      frame = globalThis.requestAnimationFrame(run)
      backstop = globalThis.setTimeout(run, BACKSTOP_FLUSH_MS)
    } else {
      timer = globalThis.setTimeout(run, FALLBACK_FLUSH_MS)
    }
  }

  return { schedule, cancel }
}
