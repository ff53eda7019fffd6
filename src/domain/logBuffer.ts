/**
 * The log panel's line buffer. Offsets are the truth: a line whose offset is held (or was
 * trimmed away) is dropped, so backlogs that overlap live lines, replays and re-follows
 * never duplicate a line. Lines that jump ahead leave a gap, and `nextOffset` names the
 * first missing line, which is where a re-follow starts.
 */

export const DEFAULT_MAX_LOG_LINES = 5000

export interface LogLine {
  readonly offset: number
  readonly text: string
}

/** Missing offsets `from` (inclusive) to `to` (exclusive). */
export interface LogGap {
  readonly from: number
  readonly to: number
}

export interface LogBuffer {
  /** Held lines, by ascending offset, no duplicates. */
  readonly lines: readonly LogLine[]
  /** Missing ranges between `floor` and the last held line, ascending. */
  readonly gaps: readonly LogGap[]
  /** Lines below this offset are not wanted (before the follow started, or trimmed). */
  readonly floor: number
  /** One past the highest held offset (`floor` when nothing is held). */
  readonly endOffset: number
  /** The first offset not held: the start of the first gap, else `endOffset`. */
  readonly nextOffset: number
  /** Lines dropped to stay within `maxLines`, in total. */
  readonly trimmed: number
  readonly maxLines: number
}

export interface LogAppendResult {
  buffer: LogBuffer
  /** Lines new to the buffer (and still in it), by ascending offset. */
  added: readonly LogLine[]
  /**
   * True when every added line comes after every line held before, so a view can simply
   * append `added`; false when some filled a gap, so the view re-reads `buffer.lines`.
   */
  appended: boolean
  /** Lines already held or below the floor, dropped. */
  duplicates: number
  /** Lines trimmed from the start by this append. */
  trimmed: number
  /** A gap this append opened, if any. */
  gap: LogGap | null
}

export interface LogBufferOptions {
  maxLines?: number
  /** The offset the follow started from; lines before it are not wanted. */
  fromOffset?: number
}

export function createLogBuffer(options: LogBufferOptions = {}): LogBuffer {
  const floor = Math.max(0, options.fromOffset ?? 0)
  const maxLines = Math.max(1, options.maxLines ?? DEFAULT_MAX_LOG_LINES)
  return { lines: [], gaps: [], floor, endOffset: floor, nextOffset: floor, trimmed: 0, maxLines }
}

function gapsOf(lines: readonly LogLine[], floor: number): LogGap[] {
  const gaps: LogGap[] = []
  let expected = floor
  for (const line of lines) {
    if (line.offset > expected) gaps.push({ from: expected, to: line.offset })
    expected = line.offset + 1
  }
  return gaps
}

function isHeld(buffer: LogBuffer, offset: number): boolean {
  if (offset < buffer.floor) return true
  if (offset >= buffer.endOffset) return false
  return !buffer.gaps.some((gap) => offset >= gap.from && offset < gap.to)
}

function mergeByOffset(a: readonly LogLine[], b: readonly LogLine[]): LogLine[] {
  const merged: LogLine[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.offset < b[j]!.offset)) merged.push(a[i++]!)
    else merged.push(b[j++]!)
  }
  return merged
}

/** Adds `lines`, the first at `offset`, and says what changed. Pure: `buffer` is not modified. */
export function appendLog(buffer: LogBuffer, offset: number, lines: readonly string[]): LogAppendResult {
  const fresh: LogLine[] = []
  let duplicates = 0
  for (let i = 0; i < lines.length; i++) {
    const at = offset + i
    if (isHeld(buffer, at)) duplicates++
    else fresh.push(Object.freeze({ offset: at, text: lines[i]! }))
  }
  if (fresh.length === 0) return { buffer, added: [], appended: true, duplicates, trimmed: 0, gap: null }

  const appended = fresh[0]!.offset >= buffer.endOffset
  const endOffset = Math.max(buffer.endOffset, fresh[fresh.length - 1]!.offset + 1)
  let all: LogLine[]
  let gaps: LogGap[]
  let gap: LogGap | null = null
  if (appended) {
    all = buffer.lines.concat(fresh)
    gaps = buffer.gaps.slice()
    if (fresh[0]!.offset > buffer.endOffset) {
      gap = { from: buffer.endOffset, to: fresh[0]!.offset }
      gaps.push(gap)
    }
  } else {
    all = mergeByOffset(buffer.lines, fresh)
    gaps = gapsOf(all, buffer.floor)
  }

  let floor = buffer.floor
  const over = all.length - buffer.maxLines
  let added: readonly LogLine[] = fresh
  if (over > 0) {
    all = all.slice(over)
    floor = all[0]!.offset
    gaps = gaps.filter((g) => g.to > floor).map((g) => (g.from < floor ? { from: floor, to: g.to } : g))
    added = fresh.filter((line) => line.offset >= floor)
  }
  const trimmed = Math.max(0, over)
  const next: LogBuffer = {
    lines: all,
    gaps,
    floor,
    endOffset,
    nextOffset: gaps[0]?.from ?? endOffset,
    trimmed: buffer.trimmed + trimmed,
    maxLines: buffer.maxLines,
  }
  return { buffer: next, added, appended, duplicates, trimmed, gap }
}

/** Short name used by the log panel. */
export const append = appendLog
