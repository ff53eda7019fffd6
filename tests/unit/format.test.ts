import { describe, expect, it } from 'vitest'
import { displayLine, formatAge, formatClock, formatDuration, formatElapsed } from '../../src/domain/format'

const S = 1000
const MIN = 60 * S
const H = 60 * MIN
const D = 24 * H

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-5 * S, '0 s'],
    [Number.NaN, '0 s'],
    [999, '0 s'],
    [42 * S, '42 s'],
    [59 * S + 999, '59 s'],
    [MIN, '1 min'],
    [13 * MIN + 59 * S, '13 min'],
    [H, '1 h'],
    [2 * H + 13 * MIN, '2 h 13 min'],
    [23 * H + 59 * MIN, '23 h 59 min'],
    [D, '1 d'],
    [3 * D + 4 * H + 30 * MIN, '3 d 4 h'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('formatElapsed', () => {
  it.each([
    [42 * S, '42 s'],
    [4 * MIN + 5 * S, '4 min 05 s'],
    [59 * MIN + 59 * S, '59 min 59 s'],
    [H + 2 * MIN + 7 * S, '1 h 2 min'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text)
  })
})

describe('formatAge', () => {
  const now = 1_000_000_000
  it.each([
    [now - 42 * S, '42 s ago'],
    [now - 2 * H - 13 * MIN, '2 h 13 min ago'],
    [now, 'just now'],
    [now + 3 * S, 'just now'],
    [null, ''],
  ])('%s -> %s', (then, text) => {
    expect(formatAge(then, now)).toBe(text)
  })
})

describe('formatClock', () => {
  it('shows local hours and minutes, zero-padded', () => {
    expect(formatClock(new Date(2026, 0, 10, 7, 5, 59).getTime())).toBe('07:05')
    expect(formatClock(new Date(2026, 0, 10, 23, 59).getTime())).toBe('23:59')
  })
})

describe('displayLine', () => {
  it.each([
    ['Fix bug\n\nLong body', 'Fix bug'],
    ['Windows\r\nline', 'Windows'],
    ['old mac\rline', 'old mac'],
    ['sep\u2028after', 'sep'],
    ['tab\there', 'tab here'],
    ['nul\u0000bell\u0007esc\u001b[31mred\u001b[0m', 'nul bell escred'],
    ['clear\u001b[2J\u001b[1;1Hscreen', 'clearscreen'],
    ['title\u001b]0;owned\u0007 set', 'title set'],
    ['link \u001b]8;;https://x\u001b\\here\u001b]8;;\u001b\\', 'link here'],
    ['c1\u0085next', 'c1'],
    ['  padded  ', 'padded'],
    ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    ['', ''],
    [null, ''],
  ])('%j -> %j', (text, shown) => {
    expect(displayLine(text)).toBe(shown)
  })

  it('cuts a huge string', () => {
    const shown = displayLine('x'.repeat(1_000_000))
    expect(shown.length).toBe(301)
    expect(shown.endsWith('…')).toBe(true)
  })
})
