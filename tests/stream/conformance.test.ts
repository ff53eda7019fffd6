import { afterEach, describe, expect, it } from 'vitest'
import { checkHeaders, checkRetryFirst } from '../conformance/rules/headers'
import { checkPerConnectionIds, checkStateSequence } from '../conformance/rules/sequence'
import { runConformance } from '../conformance/run'
import { makeBuild, startStub, type RunningStub } from './helpers'

let running: RunningStub | null = null
let publisher: NodeJS.Timeout | null = null
afterEach(async () => {
  if (publisher) clearInterval(publisher)
  publisher = null
  await running?.close()
  running = null
})

describe('conformance checker against the stub', () => {
  it('passes every rule while events flow', async () => {
    running = await startStub({ heartbeatMs: 200 })
    const { url, stub } = running
    let n = 0
    stub.hub.publish('build', makeBuild(0))
    publisher = setInterval(() => stub.hub.publish('build', makeBuild(++n % 11)), 20)
    const results = await runConformance(`${url}/api/stream`, { connectTimeoutMs: 3000 })
    expect(results.filter((r) => r.verdict !== 'PASS')).toEqual([])
    expect(results.map((r) => r.rule)).toEqual([
      'status',
      'headers',
      'retry-first',
      'hello-first',
      'snapshot-next',
      'heartbeat',
      'state-ids-contiguous',
      'per-connection-events-without-id',
      'resume-header',
      'resume-query',
      'resume-latest',
      'odd-id-garbage',
      'odd-id-other-epoch',
      'odd-id-future',
      'odd-id-query',
    ])
  })

  it('skips the replay rules with a reason on an idle stream, and fails nothing', async () => {
    running = await startStub({ heartbeatMs: 100 })
    const results = await runConformance(`${running.url}/api/stream`, { connectTimeoutMs: 3000 })
    expect(results.filter((r) => r.verdict === 'FAIL')).toEqual([])
    const skipped = results.filter((r) => r.verdict === 'SKIP').map((r) => r.rule)
    expect(skipped).toEqual(['state-ids-contiguous', 'resume-header', 'resume-query'])
    expect(results.find((r) => r.rule === 'resume-header')?.detail).toContain('idle')
  })

  it('fails the rules a broken server breaks', async () => {
    running = await startStub()
    // Not a stream at all: the page's index fallback is not served for /api paths, so this is a JSON 404.
    const results = await runConformance(`${running.url}/api/not-a-stream`, { connectTimeoutMs: 500 })
    expect(results.find((r) => r.rule === 'status')?.verdict).toBe('FAIL')
    expect(results.find((r) => r.rule === 'headers')?.verdict).toBe('FAIL')
    expect(results.find((r) => r.rule === 'hello-first')?.verdict).toBe('FAIL')
  })
})

describe('conformance rules on crafted streams', () => {
  const ev = (event: string, id?: string, data = '{}') => ({ event, id, data })
  const build = JSON.stringify(makeBuild(1))

  it('flags a gap, a duplicate and an epoch change', () => {
    expect(checkStateSequence([ev('build', 'e1-2', build), ev('build', 'e1-4', build)], 'e1-1').detail).toContain('gap')
    expect(checkStateSequence([ev('build', 'e1-2', build), ev('build', 'e1-2', build)], 'e1-1').detail).toContain(
      'duplicate',
    )
    expect(checkStateSequence([ev('build', 'e2-2', build)], 'e1-1').verdict).toBe('FAIL')
    expect(checkStateSequence([ev('build', 'e1-2', build), ev('build', 'e1-3', build)], 'e1-1').verdict).toBe('PASS')
  })

  it('flags ids on per-connection events and a compressed or cached stream', () => {
    expect(checkPerConnectionIds([ev('heartbeat', 'e1-3')]).verdict).toBe('FAIL')
    expect(
      checkHeaders(
        new Headers({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'content-encoding': 'gzip' }),
      ).verdict,
    ).toBe('FAIL')
    expect(
      checkHeaders(new Headers({ 'content-type': 'text/event-stream', 'cache-control': 'max-age=60' })).verdict,
    ).toBe('FAIL')
    expect(checkRetryFirst('event: hello\ndata: {}\n\n').verdict).toBe('FAIL')
    expect(checkRetryFirst('retry: 2000\n\nevent: hello\n').verdict).toBe('PASS')
  })
})
