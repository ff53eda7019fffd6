import { describe, expect, it } from 'vitest'
import { ansiSegments, cleanLine, lineSegments } from '../../src/components/ansi'
import { createBlockGrouper, safeHttpUrl } from '../../src/components/logBlocks'
import type { LogLine } from '../../src/domain/logBuffer'

const ESC = '\u001b'
const text = (line: string) =>
  ansiSegments(line)
    .map((s) => s.text)
    .join('')

describe('ansiSegments', () => {
  it('turns SGR colours and bold into classes on plain text runs', () => {
    expect(ansiSegments(`${ESC}[31mred${ESC}[0m plain`)).toEqual([
      { text: 'red', classes: 'ansi-red-fg', style: '' },
      { text: ' plain', classes: '', style: '' },
    ])
    expect(ansiSegments(`${ESC}[1;92mok${ESC}[22m still green`)).toEqual([
      { text: 'ok', classes: 'ansi-bright-green-fg ansi-bold', style: '' },
      { text: ' still green', classes: 'ansi-bright-green-fg', style: '' },
    ])
    expect(ansiSegments(`${ESC}[44;37mbox`)).toEqual([
      { text: 'box', classes: 'ansi-white-fg ansi-blue-bg', style: '' },
    ])
  })

  it('gives 256-colour and true-colour codes an rgb style and nothing else', () => {
    expect(ansiSegments(`${ESC}[38;5;196mx${ESC}[48;2;1;2;3my`)).toEqual([
      { text: 'x', classes: '', style: 'color:rgb(255,0,0)' },
      { text: 'y', classes: '', style: 'color:rgb(255,0,0);background-color:rgb(1,2,3)' },
    ])
  })

  it('does not carry colour from one line to the next', () => {
    expect(ansiSegments(`${ESC}[31munterminated`)[0]!.classes).toBe('ansi-red-fg')
    expect(ansiSegments('next line')).toEqual([{ text: 'next line', classes: '', style: '' }])
  })

  it('keeps markup and entities as the exact text', () => {
    const hostile = `<img src=x onerror=alert(1)> &lt;b&gt; "q" 'a' &amp;`
    expect(ansiSegments(hostile)).toEqual([{ text: hostile, classes: '', style: '' }])
    expect(text(`${ESC}[31m<script>alert(1)</script>${ESC}[0m`)).toBe('<script>alert(1)</script>')
  })

  it.each([
    ['cursor moves and screen clears', `${ESC}[2J${ESC}[Hclear ${ESC}[5Aup`, 'clear up'],
    ['private modes', `${ESC}[?25lhidden cursor${ESC}[?25h`, 'hidden cursor'],
    ['OSC window titles', `a${ESC}]0;title\u0007b${ESC}]2;t2${ESC}\\c`, 'abc'],
    ['OSC 8 links, keeping their text', `${ESC}]8;;javascript:alert(1)${ESC}\\click${ESC}]8;;${ESC}\\`, 'click'],
    ['two-character escapes', `${ESC}(Bcharset ${ESC}=keypad ${ESC}7saved`, 'charset keypad saved'],
    ['an unfinished sequence at the end', `done${ESC}[3`, 'done'],
    ['a lone ESC', `a${ESC}`, 'a'],
    [
      'control characters but tab',
      'nul\u0000 bell\u0007 bs\b del\u007f c1\u009b tab\tok',
      'nul bell bs del c1 tab\tok',
    ],
    ['a newline inside a line, as a space', 'line\nbreak', 'line break'],
  ])('strips %s', (_, line, expected) => {
    expect(text(line)).toBe(expected)
    // eslint-disable-next-line no-control-regex
    expect(text(line)).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/)
  })

  it('shows what a terminal would after carriage returns (progress bars)', () => {
    expect(cleanLine('10%\r50%\r100% done')).toBe('100% done')
    expect(cleanLine('windows line\r')).toBe('windows line')
  })

  it('returns no runs for an empty line, one plain run for text without codes', () => {
    expect(ansiSegments('')).toEqual([])
    expect(ansiSegments(`${ESC}[0m`)).toEqual([])
    expect(ansiSegments('plain')).toEqual([{ text: 'plain', classes: '', style: '' }])
  })

  it('parses a line once however often it is asked for', () => {
    const line: LogLine = Object.freeze({ offset: 0, text: `${ESC}[32mok` })
    expect(lineSegments(line)).toBe(lineSegments(line))
  })
})

describe('safeHttpUrl', () => {
  it.each([
    ['https://ci.example.com/b/1?x=<y>', 'https://ci.example.com/b/1?x=%3Cy%3E'],
    ['http://ci.local/1', 'http://ci.local/1'],
    [' https://padded.example', 'https://padded.example/'],
    ['javascript:alert(1)', null],
    ['JAVASCRIPT:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['//evil.example', null],
    ['relative/path', null],
    ['', null],
    [null, null],
  ])('%s -> %s', (url, expected) => {
    expect(safeHttpUrl(url)).toBe(expected)
  })
})

describe('createBlockGrouper', () => {
  const lines = (from: number, to: number): LogLine[] =>
    Array.from({ length: to - from }, (_, i) => Object.freeze({ offset: from + i, text: `l${from + i}` }))

  it('groups lines by offset into blocks and reuses the blocks whose lines did not change', () => {
    const group = createBlockGrouper(10)
    const held = lines(5, 32)
    const first = group(held)
    expect(first.map((b) => [b.key, b.lines.length])).toEqual([
      [0, 5],
      [1, 10],
      [2, 10],
      [3, 2],
    ])
    const next = group([...held.slice(3), ...lines(32, 35)])
    expect(next.map((b) => [b.key, b.lines.length])).toEqual([
      [0, 2],
      [1, 10],
      [2, 10],
      [3, 5],
    ])
    expect(next[0]).not.toBe(first[0])
    expect(next[1]).toBe(first[1])
    expect(next[2]).toBe(first[2])
    expect(next[3]).not.toBe(first[3])
  })
})
