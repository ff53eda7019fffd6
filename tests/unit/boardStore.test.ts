import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watch } from 'vue'
import { BACKSTOP_FLUSH_MS, FALLBACK_FLUSH_MS, useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { build, buildEvent, deployment, iso, prEvent, pullRequest } from './fixtures/entities'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

function countChanges<T>(read: () => T) {
  const seen: T[] = []
  const stop = watch(read, (value) => seen.push(value), { flush: 'sync' })
  return { seen, stop }
}

describe('useBoardStore', () => {
  it('starts empty and not hydrated', () => {
    const board = useBoardStore()
    expect(board.builds.size).toBe(0)
    expect(board.pullRequests.size).toBe(0)
    expect(board.deployments.size).toBe(0)
    expect(board.hydrated).toBe(false)
    expect(board.lastEventId).toBeNull()
  })

  it('applies a snapshot at once, with its id', () => {
    const board = useBoardStore()
    board.applySnapshot({ builds: [build()], pullRequests: [pullRequest()], deployments: [deployment()] }, 'e-0')
    expect(board.hydrated).toBe(true)
    expect(board.lastEventId).toBe('e-0')
    expect([...board.builds.keys()]).toEqual(['b1'])
    expect(Object.isFrozen(board.builds.get('b1'))).toBe(true)
  })

  it('batches: ten enqueues replace the builds map once, and leave other kinds alone', () => {
    const board = useBoardStore()
    board.applySnapshot({ builds: [], pullRequests: [pullRequest()], deployments: [] }, 'e-0')
    const builds = countChanges(() => board.builds)
    const prs = countChanges(() => board.pullRequests)
    for (let i = 1; i <= 10; i++) board.enqueue(buildEvent(build({ id: `b${i}`, number: i }), `e-${i}`))
    expect(builds.seen).toHaveLength(0)
    expect(board.builds.size).toBe(0)
    board.flush()
    expect(builds.seen).toHaveLength(1)
    expect(board.builds.size).toBe(10)
    expect(prs.seen).toHaveLength(0)
    expect(board.lastEventId).toBe('e-10')
    board.flush()
    expect(builds.seen).toHaveLength(1)
    builds.stop()
    prs.stop()
  })

  it('flushes by itself after 16 ms when there is no animation frame (Node)', () => {
    const board = useBoardStore()
    const builds = countChanges(() => board.builds)
    for (let i = 1; i <= 5; i++) board.enqueue(buildEvent(build({ id: `b${i}` })))
    vi.advanceTimersByTime(FALLBACK_FLUSH_MS - 1)
    expect(builds.seen).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(builds.seen).toHaveLength(1)
    expect(board.builds.size).toBe(5)
    expect(vi.getTimerCount()).toBe(0)
    builds.stop()
  })

  it('flushes once per animation frame when one is available, with a backstop if frames stop', () => {
    const frames: FrameRequestCallback[] = []
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb))
    vi.stubGlobal('cancelAnimationFrame', (id: number) => {
      frames[id - 1] = () => {}
    })
    const board = useBoardStore()
    const builds = countChanges(() => board.builds)
    for (let i = 1; i <= 100; i++) board.enqueue(buildEvent(build({ id: `b${i}`, repo: `r${i}` })))
    expect(frames).toHaveLength(1)
    frames[0]!(0)
    expect(builds.seen).toHaveLength(1)
    expect(board.builds.size).toBe(100)
    // Next batch: the frame never comes (tab hidden after scheduling); the backstop flushes.
    board.enqueue(buildEvent(build({ id: 'late' })))
    expect(frames).toHaveLength(2)
    vi.advanceTimersByTime(BACKSTOP_FLUSH_MS)
    expect(board.builds.has('late')).toBe(true)
    expect(builds.seen).toHaveLength(2)
    builds.stop()
  })

  it('swaps a snapshot in one replacement: queued older events are dropped, later ones applied after it', () => {
    const board = useBoardStore()
    board.applySnapshot({ builds: [build({ id: 'a' }), build({ id: 'b' })], pullRequests: [], deployments: [] }, 'e1-5')
    board.enqueue(buildEvent(build({ id: 'old-conn', updatedAt: iso(5) }), 'e1-6'))
    const sizes: number[] = []
    const builds = countChanges(() => board.builds)
    const stopSizes = watch(
      () => board.builds,
      (m) => sizes.push(m.size),
      { flush: 'sync' },
    )
    board.applySnapshot(
      { builds: [build({ id: 'b', status: 'passed' }), build({ id: 'c' })], pullRequests: [], deployments: [] },
      'e2-0',
    )
    expect(builds.seen).toHaveLength(1)
    expect([...board.builds.keys()].sort()).toEqual(['b', 'c'])
    expect(board.lastEventId).toBe('e2-0')
    board.enqueue(buildEvent(build({ id: 'd' }), 'e2-1'))
    board.flush()
    expect([...board.builds.keys()].sort()).toEqual(['b', 'c', 'd'])
    expect(board.builds.has('old-conn')).toBe(false)
    expect(builds.seen).toHaveLength(2)
    expect(sizes.every((n) => n > 0)).toBe(true)
    expect(board.lastEventId).toBe('e2-1')
    builds.stop()
    stopSizes()
  })

  it('ignores a late older event for an entity it holds', () => {
    const board = useBoardStore()
    board.applySnapshot(
      { builds: [build({ status: 'passed', updatedAt: iso(5000) })], pullRequests: [], deployments: [] },
      'e-3',
    )
    board.enqueue(buildEvent(build({ status: 'running', updatedAt: iso(1000) }), 'e-2'))
    board.flush()
    expect(board.builds.get('b1')!.status).toBe('passed')
  })

  it('routes each kind to its own map', () => {
    const board = useBoardStore()
    board.enqueue(prEvent(pullRequest({ id: 'p1' })))
    board.enqueue({ type: 'deployment', data: deployment({ id: 'd1' }), id: null })
    board.flush()
    expect([...board.pullRequests.keys()]).toEqual(['p1'])
    expect([...board.deployments.keys()]).toEqual(['d1'])
    expect(board.builds.size).toBe(0)
    expect(board.appliedCount).toBe(2)
  })

  it('lets merged pull requests leave after the linger time even when no event arrives', async () => {
    vi.setSystemTime(Date.parse(iso(0)))
    const clock = useClockStore()
    const board = useBoardStore()
    clock.start()
    board.applySnapshot(
      {
        builds: [],
        pullRequests: [pullRequest({ id: 'open' }), pullRequest({ id: 'gone', state: 'merged' })],
        deployments: [],
      },
      'e-1',
    )
    await vi.advanceTimersByTimeAsync(50_000)
    expect(board.pullRequests.has('gone')).toBe(true)
    await vi.advanceTimersByTimeAsync(20_000)
    expect([...board.pullRequests.keys()]).toEqual(['open'])
    clock.stop()
  })

  it('buffers through every entry point alike: enqueue, enqueueAll and the unwrapped ingest path', () => {
    const board = useBoardStore()
    const builds = countChanges(() => board.builds)
    board.enqueue(buildEvent(build({ id: 'a', repo: 'a' }), 'e-1'))
    board.enqueueAll([
      buildEvent(build({ id: 'b', repo: 'b' }), 'e-2'),
      buildEvent(build({ id: 'c', repo: 'c' }), 'e-3'),
    ])
    board.ingest.enqueue(buildEvent(build({ id: 'd', repo: 'd' }), 'e-4'))
    expect(builds.seen).toHaveLength(0)
    board.flush()
    expect(builds.seen).toHaveLength(1)
    expect([...board.builds.keys()]).toEqual(['a', 'b', 'c', 'd'])
    expect(board.lastEventId).toBe('e-4')
    builds.stop()
  })
})
