import { Deque } from './deque'
import { encodeJsonFrame } from './frames'

// Build logs, numbered per build: offset = 0-based line number since the build began.
// Old lines are dropped past a cap while offsets keep counting, so a follower can always
// tell how many lines it missed; a finished build's log goes some minutes after it ends.

export interface LogStoreOptions {
  maxLinesPerBuild: number
  /** How long a finished build's log stays followable. */
  lingerMs: number
  /** Lines per `log` event. */
  chunkLines: number
}

export const DEFAULT_LOG_OPTIONS: LogStoreOptions = { maxLinesPerBuild: 20_000, lingerMs: 10 * 60_000, chunkLines: 500 }

export type LogListener = (frame: string) => void

interface BuildLog {
  lines: Deque<string>
  /** Offset of the first line still kept. */
  firstOffset: number
  finishedAt: number | null
  touchedAt: number
}

export class LogStore {
  private readonly logs = new Map<string, BuildLog>()
  private readonly listeners = new Map<string, Set<LogListener>>()

  constructor(
    private readonly options: LogStoreOptions,
    private readonly now: () => number,
  ) {}

  /** Appends lines, numbering them, and sends them to the build's followers (each frame encoded once). */
  append(buildId: string, lines: readonly string[]): void {
    if (lines.length === 0) return
    const log = this.ensure(buildId)
    const offset = log.firstOffset + log.lines.length
    for (const line of lines) log.lines.push(line)
    const excess = log.lines.length - this.options.maxLinesPerBuild
    if (excess > 0) {
      log.lines.drop(excess)
      log.firstOffset += excess
    }
    log.touchedAt = this.now()
    const listeners = this.listeners.get(buildId)
    if (!listeners || listeners.size === 0) return
    for (const frame of this.chunkFrames(buildId, offset, lines)) {
      for (const listener of listeners) listener(frame)
    }
  }

  /** `log` frames with every kept line from `fromOffset` (or from the oldest kept, if those went). */
  backlog(buildId: string, fromOffset = 0): string[] {
    const log = this.logs.get(buildId)
    if (!log) return []
    const start = Math.max(fromOffset, log.firstOffset)
    const lines = log.lines.slice(start - log.firstOffset)
    return this.chunkFrames(buildId, start, lines)
  }

  info(buildId: string): { firstOffset: number; nextOffset: number } | null {
    const log = this.logs.get(buildId)
    return log ? { firstOffset: log.firstOffset, nextOffset: log.firstOffset + log.lines.length } : null
  }

  watch(buildId: string, listener: LogListener): () => void {
    let set = this.listeners.get(buildId)
    if (!set) this.listeners.set(buildId, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(buildId) === set) this.listeners.delete(buildId)
    }
  }

  get watcherCount(): number {
    let n = 0
    for (const set of this.listeners.values()) n += set.size
    return n
  }

  markFinished(buildId: string, finished: boolean): void {
    const log = this.logs.get(buildId)
    if (log) log.finishedAt = finished ? (log.finishedAt ?? this.now()) : null
  }

  /** Drops logs of builds finished (or, for builds never seen, untouched) longer than the linger time, unless followed. */
  prune(): void {
    const now = this.now()
    for (const [buildId, log] of this.logs) {
      if (this.listeners.has(buildId)) continue
      const since = log.finishedAt ?? log.touchedAt
      const limit = log.finishedAt === null ? this.options.lingerMs * 6 : this.options.lingerMs
      if (now - since > limit) this.logs.delete(buildId)
    }
  }

  get size(): number {
    return this.logs.size
  }

  private ensure(buildId: string): BuildLog {
    let log = this.logs.get(buildId)
    if (!log) {
      log = { lines: new Deque(), firstOffset: 0, finishedAt: null, touchedAt: this.now() }
      this.logs.set(buildId, log)
    }
    return log
  }

  private chunkFrames(buildId: string, offset: number, lines: readonly string[]): string[] {
    const frames: string[] = []
    const size = this.options.chunkLines
    for (let i = 0; i < lines.length; i += size) {
      frames.push(encodeJsonFrame('log', { buildId, offset: offset + i, lines: lines.slice(i, i + size) }))
    }
    return frames
  }
}
