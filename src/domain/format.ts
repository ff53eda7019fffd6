const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A coarse duration a room reads at a glance: "42 s", "13 min", "2 h 13 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const t = Number.isFinite(ms) ? Math.max(0, ms) : 0
  if (t < MINUTE) return `${Math.floor(t / SECOND)} s`
  if (t < HOUR) return `${Math.floor(t / MINUTE)} min`
  if (t < DAY) {
    const h = Math.floor(t / HOUR)
    const min = Math.floor((t % HOUR) / MINUTE)
    return min ? `${h} h ${min} min` : `${h} h`
  }
  const d = Math.floor(t / DAY)
  const h = Math.floor((t % DAY) / HOUR)
  return h ? `${d} d ${h} h` : `${d} d`
}

/** A duration that visibly moves every second, for what is running now: "4 min 05 s", "1 h 02 min". */
export function formatElapsed(ms: number): string {
  const t = Number.isFinite(ms) ? Math.max(0, ms) : 0
  if (t < MINUTE) return `${Math.floor(t / SECOND)} s`
  if (t < HOUR) {
    const s = Math.floor((t % MINUTE) / SECOND)
    return `${Math.floor(t / MINUTE)} min ${String(s).padStart(2, '0')} s`
  }
  return formatDuration(t)
}

/** "42 s ago"; a time slightly in the future (clock skew) reads as "just now". */
export function formatAge(then: number | null, now: number): string {
  if (then === null || !Number.isFinite(then)) return ''
  const age = now - then
  if (age < SECOND) return 'just now'
  return `${formatDuration(age)} ago`
}

/** Wall clock HH:MM in the screen's own time zone. */
export function formatClock(ms: number): string {
  const d = new Date(ms)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isFinite(t) ? t : null
}

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029\u0085]/
// Terminal escape sequences (CSI such as colours and cursor moves, OSC such as titles and
// links) mean nothing on a card: drop them whole, or their tails ("[31m") would show.
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g
/** Enough for any card; a megabyte of commit message must not reach the layout engine. */
const MAX_SHOWN = 300

/**
 * Text from the wire as one displayable line: the first line, control characters made
 * spaces, escape sequences dropped, cut to a length no card could show anyway. Still rendered as text, never HTML.
 */
export function displayLine(text: string | null | undefined): string {
  if (!text) return ''
  const first = text.split(LINE_BREAK, 1)[0] ?? ''
  const clean = first.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, ' ').trim()
  return clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean
}
