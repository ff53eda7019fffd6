/**
 * Server-corrected time. The wall shows durations ("red for 12 min") computed from server
 * timestamps, so the page's clock is shifted by the difference to the server's clock; a
 * kiosk whose clock is minutes off still shows the right durations.
 */

/** Server time minus local time in ms, or null when `serverTimeIso` is not a time. */
export function offsetFromServerTime(serverTimeIso: string, localNowMs: number): number | null {
  const server = Date.parse(serverTimeIso)
  if (!Number.isFinite(server) || !Number.isFinite(localNowMs)) return null
  return server - localNowMs
}

/**
 * The offset to use after a new sample. Samples differ by network delay, so changes
 * smaller than `toleranceMs` are ignored: every "for 3 s" label would otherwise jitter.
 */
export function nextOffset(previous: number | null, sample: number | null, toleranceMs = 250): number {
  if (sample === null) return previous ?? 0
  if (previous === null || Math.abs(sample - previous) >= toleranceMs) return sample
  return previous
}

export function serverNow(localNowMs: number, offsetMs: number): number {
  return localNowMs + offsetMs
}

/** Ms until the next whole second of server time, so every label ticks at the same moment. */
export function msToNextSecond(localNowMs: number, offsetMs: number): number {
  const server = serverNow(localNowMs, offsetMs)
  return 1000 - (((server % 1000) + 1000) % 1000)
}
