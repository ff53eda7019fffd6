import type { LogLine } from '../domain/logBuffer'

/** Lines per rendered block: a new frame re-renders the blocks it touched, not all 5,000 lines. */
export const LOG_BLOCK_LINES = 100

export interface LogBlock {
  /** offset / LOG_BLOCK_LINES, stable while the block lives. */
  readonly key: number
  readonly lines: readonly LogLine[]
}

/**
 * Groups lines into blocks by offset, reusing the previous block object when its lines are
 * unchanged, so a block component's props keep their identity and it skips re-rendering.
 * Lines are frozen, sorted and unique by offset: same length, same first and last line
 * means the same lines.
 */
export function createBlockGrouper(size = LOG_BLOCK_LINES): (lines: readonly LogLine[]) => LogBlock[] {
  let previous = new Map<number, LogBlock>()
  return (lines) => {
    const blocks: LogBlock[] = []
    const next = new Map<number, LogBlock>()
    let start = 0
    while (start < lines.length) {
      const key = Math.floor(lines[start]!.offset / size)
      let end = start + 1
      while (end < lines.length && Math.floor(lines[end]!.offset / size) === key) end++
      const old = previous.get(key)
      const block =
        old &&
        old.lines.length === end - start &&
        old.lines[0] === lines[start] &&
        old.lines[old.lines.length - 1] === lines[end - 1]
          ? old
          : { key, lines: lines.slice(start, end) }
      blocks.push(block)
      next.set(key, block)
      start = end
    }
    previous = next
    return blocks
  }
}

/** The link to the full log, only for http(s): a `javascript:` or `data:` url is never a link. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null
  } catch {
    return null
  }
}
