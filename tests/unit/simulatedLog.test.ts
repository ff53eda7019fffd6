import { describe, expect, it } from 'vitest'
import { ansiSegments } from '../../src/components/ansi'
import { BuildLog, MAX_LOG_LINES, plannedLineCount } from '../../mocks/scenario/logs'

// What the stub prints for a build must read like a CI log: the panel is demoed on it.

const subject = { id: 'b-api-7', branch: 'main', sha: 'abc1234def5678', message: 'Fix the retry loop', hostile: false }
// eslint-disable-next-line no-control-regex
const plain = (line: string) => line.replace(/\u001b\[[0-9;]*m/g, '')

describe('simulated build logs', () => {
  it('runs through checkout, install, compile and test, in that order', () => {
    const log = new BuildLog(1, subject, 400)
    const lines = [...log.advanceTo(0.5), ...log.advanceTo(1)]
    const groups = lines.filter((l) => plain(l).startsWith('##[group]')).map((l) => plain(l).slice(10))
    expect(groups).toEqual(['Checkout', 'Install dependencies', 'Compile', 'Test'])
    expect(lines.length).toBe(400 + groups.length)
    expect(lines.some((l) => l.includes('Fetching origin/main'))).toBe(true)
  })

  it('prints as it runs: advancing further never reprints a line', () => {
    const log = new BuildLog(1, subject, 200)
    const first = log.advanceTo(0.3)
    const again = log.advanceTo(0.3)
    const rest = log.advanceTo(1)
    expect(again).toEqual([])
    expect(log.lines).toEqual([...first, ...rest])
  })

  it('colours some lines with SGR codes the panel renders as styled text', () => {
    const log = new BuildLog(2, subject, 300)
    const lines = [...log.advanceTo(1), ...log.finish('passed', 90_000, 'ana')]
    const styled = lines.filter((l) => l.includes('\u001b['))
    expect(styled.length).toBeGreaterThan(10)
    expect(styled.length).toBeLessThan(lines.length)
    for (const line of styled) {
      const segments = ansiSegments(line)
      expect(segments.some((s) => s.classes !== '')).toBe(true)
      expect(segments.map((s) => s.text).join('')).toBe(plain(line))
    }
    expect(plain(lines.at(-1)!)).toMatch(/Build succeeded in 1m 30s/)
  })

  it('ends a failed build with a red failure, a stack trace and the exit code', () => {
    const log = new BuildLog(3, subject, 300)
    log.advanceTo(0.7)
    const tail = log.finish('failed', 61_000, 'ana')
    const text = tail.map(plain)
    expect(text.some((l) => l.startsWith('AssertionError: '))).toBe(true)
    expect(text.filter((l) => /^ {4}at .+ \(src\/.+:\d+:\d+\)$/.test(l)).length).toBeGreaterThanOrEqual(4)
    expect(text.at(-2)).toBe('Build failed in 1m 1s: 1 test failed')
    expect(text.at(-1)).toBe('Process exited with code 1')
    expect(tail.some((l) => l.includes('\u001b[31m'))).toBe(true)
  })

  it('says who canceled a canceled build', () => {
    const log = new BuildLog(4, subject, 100)
    log.advanceTo(0.2)
    expect(plain(log.finish('canceled', 5_000, 'bob').at(-1)!)).toBe('Build canceled by bob after 0m 5s')
  })

  it('stays under the per-build cap however long the build', () => {
    expect(plannedLineCount(1000)).toBe(30)
    expect(plannedLineCount(10 * 3600_000)).toBeLessThan(MAX_LOG_LINES)
  })
})
