import { describe, expect, it } from 'vitest'
import { EventHub } from '../../mocks/server/hub'
import { makeBuild, makePullRequest } from './helpers'

function clockedHub(options: Partial<ConstructorParameters<typeof EventHub>[0]> = {}) {
  const clock = { now: 1_000_000 }
  const hub = new EventHub({
    replayWindowMs: 60_000,
    replayMaxEvents: 100,
    now: () => clock.now,
    epoch: 'test',
    ...options,
  })
  return { hub, clock }
}

describe('EventHub', () => {
  it('numbers state events from 1 with a fixed epoch and keeps the latest entity per id', () => {
    const { hub } = clockedHub()
    expect(hub.headId).toBe('test-0')
    expect(hub.publish('build', makeBuild(1))).toBe('test-1')
    expect(hub.publish('build', makeBuild(1, { status: 'passed' }))).toBe('test-2')
    expect(hub.state().builds.map((b) => b.status)).toEqual(['passed'])
    expect(hub.snapshot().id).toBe('test-2')
  })

  it('resumes inside the buffer, from the head, and nowhere else', () => {
    const { hub, clock } = clockedHub({ replayMaxEvents: 3 })
    for (let i = 1; i <= 6; i++) hub.publish('build', makeBuild(i))
    expect(hub.resume('test-3')?.frames).toHaveLength(3)
    expect(hub.resume('test-3')?.frames[0]).toContain('id: test-4\n')
    expect(hub.resume('test-2')).toBeNull()
    expect(hub.resume('test-6')).toEqual({ afterSeq: 6, frames: [] })
    expect(hub.resume('test-7')).toBeNull()
    expect(hub.resume('other-5')).toBeNull()
    expect(hub.resume('')).toBeNull()
    clock.now += 61_000
    expect(hub.bufferedCount).toBe(0)
    expect(hub.resume('test-5')).toBeNull()
    expect(hub.resume('test-6')).toEqual({ afterSeq: 6, frames: [] })
  })

  it('applies the shared retention policy to the snapshot state', () => {
    const { hub, clock } = clockedHub({ pruneEveryMs: 1000 })
    const closedAt = new Date(clock.now).toISOString()
    hub.publish('pull_request', makePullRequest(1, { state: 'merged', updatedAt: closedAt }))
    for (let n = 1; n <= 15; n++) hub.publish('build', makeBuild(n * 5, { repo: 'r', branch: 'main', number: n }))
    hub.prune()
    expect(hub.state().builds).toHaveLength(10)
    expect(hub.state().pullRequests).toHaveLength(1)
    clock.now += 120_000
    hub.publish('build', makeBuild(999, { repo: 'r', branch: 'main', number: 99 }))
    expect(hub.state().pullRequests).toHaveLength(0)
  })

  it('caps a build log and keeps counting offsets, then drops it some minutes after the build ends', () => {
    const { hub, clock } = clockedHub({ logs: { maxLinesPerBuild: 10, lingerMs: 60_000 } })
    hub.appendLog(
      'b-1',
      Array.from({ length: 25 }, (_, i) => `l${i}`),
    )
    expect(hub.logs.info('b-1')).toEqual({ firstOffset: 15, nextOffset: 25 })
    const backlog = hub
      .logBacklog('b-1', 0)
      .map((f) => JSON.parse(f.split('data: ')[1]!) as { offset: number; lines: string[] })
    expect(backlog[0]!.offset).toBe(15)
    expect(backlog.flatMap((b) => b.lines)).toEqual(Array.from({ length: 10 }, (_, i) => `l${15 + i}`))
    hub.publish('build', makeBuild(1, { status: 'failed', finishedAt: new Date(clock.now).toISOString() }))
    clock.now += 30_000
    hub.prune()
    expect(hub.logs.info('b-1')).not.toBeNull()
    clock.now += 31_000
    hub.prune()
    expect(hub.logs.info('b-1')).toBeNull()
  })

  it('keeps a followed log even past its linger time', () => {
    const { hub, clock } = clockedHub({ logs: { lingerMs: 1000 } })
    hub.appendLog('b-1', ['x'])
    hub.publish('build', makeBuild(1, { status: 'passed' }))
    const stop = hub.watchLog('b-1', () => {})
    clock.now += 5000
    hub.prune()
    expect(hub.logs.info('b-1')).not.toBeNull()
    stop()
    hub.prune()
    expect(hub.logs.info('b-1')).toBeNull()
  })
})
