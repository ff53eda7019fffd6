// Self-update: a kiosk must not run last month's page. The first `hello.serverVersion` this
// page load sees is the release it was served with; a later hello naming another version
// means a new release, and the page reloads at the next quiet moment.

/** No key, click or scroll for this long counts as nobody using the page. */
export const QUIET_INPUT_MS = 30_000
/** How often a pending reload checks for a quiet moment. */
export const QUIET_CHECK_MS = 1000

export interface QuietInput {
  kiosk: boolean
  logPanelOpen: boolean
  /** Local ms of the last user input, or null when there was none. */
  lastInputAt: number | null
  now: number
}

/** The wall screen reloads at once; a laptop waits until nobody reads a log or touches the page. */
export function isQuietMoment(input: QuietInput): boolean {
  if (input.kiosk) return true
  if (input.logPanelOpen) return false
  return input.lastInputAt === null || input.now - input.lastInputAt >= QUIET_INPUT_MS
}

/** True when `seen` names another release than the page's own (`baseline`). */
export function isNewRelease(baseline: string | null, seen: string): boolean {
  return baseline !== null && seen !== '' && seen !== baseline
}

type TimerId = ReturnType<typeof globalThis.setTimeout>

export interface SelfUpdateOptions {
  kiosk: boolean
  reload?: () => void
  isLogPanelOpen?: () => boolean
  now?: () => number
  /** Receives user input events (the window in a browser). */
  inputTarget?: EventTarget | null
  setTimeout?: (fn: () => void, ms: number) => TimerId
  clearTimeout?: (id: TimerId) => void
}

export interface SelfUpdate {
  /** Feeds each hello's `serverVersion`. */
  observeVersion(version: string): void
  /** The version this page load was served with (the first one seen). */
  baseline(): string | null
  /** A new release was seen and the reload waits for a quiet moment. */
  pending(): boolean
  stop(): void
}

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const

export function createSelfUpdate(options: SelfUpdateOptions): SelfUpdate {
  const now = options.now ?? (() => Date.now())
  const reload = options.reload ?? (() => location.reload())
  const isLogPanelOpen =
    options.isLogPanelOpen ?? (() => typeof document !== 'undefined' && document.querySelector('[data-log]') !== null)
  const target =
    options.inputTarget === undefined ? (typeof window !== 'undefined' ? window : null) : options.inputTarget
  const setTimer = options.setTimeout ?? ((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms))
  const clearTimer = options.clearTimeout ?? ((id: TimerId) => globalThis.clearTimeout(id))
  let baseline: string | null = null
  let waiting = false
  let reloaded = false
  let stopped = false
  let lastInputAt: number | null = null
  let timer: TimerId | null = null

  const onInput = () => {
    lastInputAt = now()
  }
  for (const type of INPUT_EVENTS) target?.addEventListener(type, onInput, { passive: true, capture: true })

  function check(): void {
    timer = null
    if (stopped || reloaded) return
    if (isQuietMoment({ kiosk: options.kiosk, logPanelOpen: isLogPanelOpen(), lastInputAt, now: now() })) {
      reloaded = true
      waiting = false
      reload()
      return
    }
    timer = setTimer(check, QUIET_CHECK_MS)
  }

  return {
    observeVersion(version) {
      if (stopped) return
      if (baseline === null) {
        baseline = version
        return
      }
      if (waiting || reloaded || !isNewRelease(baseline, version)) return
      waiting = true
      check()
    },
    baseline: () => baseline,
    pending: () => waiting,
    stop() {
      stopped = true
      if (timer !== null) clearTimer(timer)
      timer = null
      for (const type of INPUT_EVENTS) target?.removeEventListener(type, onInput, { capture: true })
    },
  }
}
