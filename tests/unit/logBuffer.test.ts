import { describe, expect, it } from 'vitest'
import { append, appendLog, createLogBuffer, DEFAULT_MAX_LOG_LINES, type LogBuffer } from '../../src/domain/logBuffer'

const texts = (buffer: LogBuffer) => buffer.lines.map((l) => `${l.offset}:${l.text}`)
const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => `line ${from + i}`)

/** Applies chunks [offset, count] in order and returns the final buffer. */
function feed(chunks: [number, number][], maxLines?: number): LogBuffer {
  let buffer = createLogBuffer({ maxLines })
  for (const [offset, count] of chunks) buffer = appendLog(buffer, offset, lines(offset, count)).buffer
  return buffer
}

describe('createLogBuffer', () => {
  it('starts empty at the follow offset with the default cap', () => {
    const buffer = createLogBuffer({ fromOffset: 40 })
    expect(buffer).toMatchObject({ lines: [], gaps: [], floor: 40, endOffset: 40, nextOffset: 40, trimmed: 0 })
    expect(buffer.maxLines).toBe(DEFAULT_MAX_LOG_LINES)
    expect(DEFAULT_MAX_LOG_LINES).toBe(5000)
  })
})

describe('appendLog', () => {
  it('appends contiguous chunks and reports the added lines as an append', () => {
    const first = appendLog(createLogBuffer(), 0, ['a', 'b'])
    expect(first.added.map((l) => l.offset)).toEqual([0, 1])
    expect(first.appended).toBe(true)
    const second = appendLog(first.buffer, 2, ['c'])
    expect(texts(second.buffer)).toEqual(['0:a', '1:b', '2:c'])
    expect(second.buffer.nextOffset).toBe(3)
    expect(second.duplicates).toBe(0)
  })

  it('is pure: the given buffer does not change', () => {
    const start = appendLog(createLogBuffer(), 0, ['a']).buffer
    appendLog(start, 1, ['b'])
    expect(texts(start)).toEqual(['0:a'])
  })

  it.each([
    {
      name: 'exact duplicate chunk',
      chunks: [
        [0, 3],
        [0, 3],
      ],
      held: [0, 1, 2],
      next: 3,
      dups: 3,
    },
    {
      name: 'overlapping backlog and live lines',
      chunks: [
        [0, 5],
        [3, 4],
      ],
      held: [0, 1, 2, 3, 4, 5, 6],
      next: 7,
      dups: 2,
    },
    {
      name: 'chunk inside what is held',
      chunks: [
        [0, 10],
        [4, 2],
      ],
      held: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      next: 10,
      dups: 2,
    },
    {
      name: 'gap then fill',
      chunks: [
        [0, 2],
        [5, 2],
        [2, 3],
      ],
      held: [0, 1, 2, 3, 4, 5, 6],
      next: 7,
      dups: 0,
    },
    {
      name: 'gap then partial fill',
      chunks: [
        [0, 2],
        [6, 1],
        [2, 2],
      ],
      held: [0, 1, 2, 3, 6],
      next: 4,
      dups: 0,
    },
    {
      name: 'fill overlapping both sides of a gap',
      chunks: [
        [0, 2],
        [5, 2],
        [1, 6],
      ],
      held: [0, 1, 2, 3, 4, 5, 6],
      next: 7,
      dups: 3,
    },
    { name: 'first chunk starts late', chunks: [[3, 2]], held: [3, 4], next: 0, dups: 0 },
  ] as { name: string; chunks: [number, number][]; held: number[]; next: number; dups: number }[])(
    '$name',
    ({ chunks, held, next, dups }) => {
      let buffer = createLogBuffer()
      let lastDuplicates = 0
      for (const [offset, count] of chunks) {
        const result = appendLog(buffer, offset, lines(offset, count))
        buffer = result.buffer
        lastDuplicates = result.duplicates
      }
      expect(buffer.lines.map((l) => l.offset)).toEqual(held)
      expect(buffer.lines.every((l) => l.text === `line ${l.offset}`)).toBe(true)
      expect(buffer.nextOffset).toBe(next)
      expect(lastDuplicates).toBe(dups)
    },
  )

  it('records a gap when lines jump ahead and names the first missing offset', () => {
    const start = appendLog(createLogBuffer(), 0, ['a', 'b']).buffer
    const result = appendLog(start, 10, ['k'])
    expect(result.gap).toEqual({ from: 2, to: 10 })
    expect(result.buffer.gaps).toEqual([{ from: 2, to: 10 }])
    expect(result.buffer.nextOffset).toBe(2)
    expect(result.buffer.endOffset).toBe(11)
    expect(result.appended).toBe(true)
  })

  it('reports a fill as not an append and closes the gap', () => {
    const start = feed([
      [0, 2],
      [5, 1],
    ])
    const result = appendLog(start, 2, lines(2, 3))
    expect(result.appended).toBe(false)
    expect(result.added.map((l) => l.offset)).toEqual([2, 3, 4])
    expect(result.buffer.gaps).toEqual([])
    expect(result.buffer.nextOffset).toBe(6)
  })

  it('splits a gap filled in its middle', () => {
    const buffer = feed([
      [0, 1],
      [9, 1],
      [4, 2],
    ])
    expect(buffer.gaps).toEqual([
      { from: 1, to: 4 },
      { from: 6, to: 9 },
    ])
    expect(buffer.nextOffset).toBe(1)
  })

  it('drops lines before the follow offset', () => {
    const result = appendLog(createLogBuffer({ fromOffset: 5 }), 3, lines(3, 4))
    expect(result.buffer.lines.map((l) => l.offset)).toEqual([5, 6])
    expect(result.duplicates).toBe(2)
  })

  it('keeps the last maxLines lines and counts the trimmed ones', () => {
    const first = appendLog(createLogBuffer({ maxLines: 3 }), 0, lines(0, 2))
    const second = appendLog(first.buffer, 2, lines(2, 3))
    expect(second.buffer.lines.map((l) => l.offset)).toEqual([2, 3, 4])
    expect(second.trimmed).toBe(2)
    expect(second.buffer.trimmed).toBe(2)
    expect(second.buffer.floor).toBe(2)
    const third = appendLog(second.buffer, 5, lines(5, 10))
    expect(third.buffer.lines.map((l) => l.offset)).toEqual([12, 13, 14])
    expect(third.added.map((l) => l.offset)).toEqual([12, 13, 14])
    expect(third.buffer.trimmed).toBe(12)
  })

  it('treats trimmed lines as held: a replay of them is dropped', () => {
    const buffer = feed([[0, 10]], 4)
    const result = appendLog(buffer, 0, lines(0, 10))
    expect(result.added).toEqual([])
    expect(result.duplicates).toBe(10)
    expect(result.buffer).toBe(buffer)
  })

  it('forgets gaps that fall out of the window when trimming', () => {
    const buffer = feed(
      [
        [0, 1],
        [5, 4],
      ],
      3,
    )
    expect(buffer.lines.map((l) => l.offset)).toEqual([6, 7, 8])
    expect(buffer.gaps).toEqual([])
    expect(buffer.nextOffset).toBe(9)
  })

  it('freezes the lines it holds and keeps offsets unique under a long random feed', () => {
    let buffer = createLogBuffer({ maxLines: 50 })
    let seed = 7
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647
    for (let i = 0; i < 300; i++) {
      const offset = Math.floor(rand() * 200)
      buffer = append(buffer, offset, lines(offset, 1 + Math.floor(rand() * 8))).buffer
    }
    const offsets = buffer.lines.map((l) => l.offset)
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    expect(new Set(offsets).size).toBe(offsets.length)
    expect(offsets.length).toBeLessThanOrEqual(50)
    expect(Object.isFrozen(buffer.lines[0])).toBe(true)
    for (const gap of buffer.gaps) expect(offsets.some((o) => o >= gap.from && o < gap.to)).toBe(false)
  })
})
