import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connectBoard, type BoardConnection } from '../../src/stream/connect'
import {
  createBoardPersistence,
  decodeSavedBoard,
  encodeSavedBoard,
  loadSavedBoard,
  MAX_STORED_CHARS,
  STORAGE_KEY,
  storeSavedBoard,
  type SavedBoard,
} from '../../src/stream/persist'
import { useBoardStore } from '../../src/stores/board'
import { useConnectionStore } from '../../src/stores/connection'
import { build, deployment, pullRequest } from './fixtures/entities'
import { FakeEventSource, hello, snapshot } from './fixtures/fakeEventSource'
import { MemoryStorage } from './fixtures/memoryStorage'

const NOW = Date.parse('2026-01-01T10:00:00.000Z')

function saved(overrides: Partial<SavedBoard> = {}): SavedBoard {
  return {
    builds: [build({ id: 'b1' })],
    pullRequests: [pullRequest({ id: 'pr1' })],
    deployments: [deployment({ id: 'd1' })],
    lastEventId: 'k3v9qa-41',
    dataAt: NOW - 60_000,
    heartbeatMs: 15_000,
    ...overrides,
  }
}

describe('saved board encoding', () => {
  it('round-trips a board with its resume id', () => {
    const text = encodeSavedBoard(saved())!
    expect(decodeSavedBoard(text, NOW)).toEqual(saved())
  })

  it.each([
    ['absent', null],
    ['not JSON', '{"v":1,'],
    ['not an object', '42'],
    ['another version', JSON.stringify({ ...saved(), v: 2 })],
    ['no version', JSON.stringify(saved())],
    ['a schema-invalid build', JSON.stringify({ v: 1, ...saved(), builds: [{ id: 42 }] })],
    ['builds not a list', JSON.stringify({ v: 1, ...saved(), builds: 'b1' })],
    ['a malformed resume id', JSON.stringify({ v: 1, ...saved(), lastEventId: 'no id' })],
    ['a time in the future', JSON.stringify({ v: 1, ...saved(), dataAt: NOW + 1000 })],
    ['a bad heartbeat', JSON.stringify({ v: 1, ...saved(), heartbeatMs: 0 })],
  ])('ignores %s', (_name, text) => {
    expect(decodeSavedBoard(text, NOW)).toBeNull()
  })

  it('keeps no board bigger than the bound, and removes an older one instead', () => {
    const storage = new MemoryStorage()
    expect(storeSavedBoard(storage, saved())).toBe(true)
    expect(encodeSavedBoard(saved(), 100)).toBeNull()
    expect(storeSavedBoard(storage, saved(), 100)).toBe(false)
    expect(storage.getItem(STORAGE_KEY)).toBeNull()
    expect(MAX_STORED_CHARS).toBeLessThanOrEqual(2_500_000)
  })

  it('survives a full quota and a throwing storage', () => {
    const storage = new MemoryStorage()
    storeSavedBoard(storage, saved())
    storage.quota = 10
    expect(storeSavedBoard(storage, saved())).toBe(false)
    expect(storage.getItem(STORAGE_KEY)).toBeNull()
    const broken = {
      getItem: () => {
        throw new Error('denied')
      },
    } as unknown as Storage
    expect(loadSavedBoard(broken, NOW)).toBeNull()
    expect(loadSavedBoard(null, NOW)).toBeNull()
  })
})

describe('createBoardPersistence', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => vi.useRealTimers())

  it('saves at most once per interval however often the board changes, and at once on pagehide', () => {
    const storage = new MemoryStorage()
    const page = new EventTarget()
    let hidden = false
    const persistence = createBoardPersistence({
      storage,
      read: () => saved(),
      intervalMs: 5000,
      pageTarget: page,
      isHidden: () => hidden,
    })
    for (let i = 0; i < 100; i++) persistence.changed()
    vi.advanceTimersByTime(0)
    expect(storage.writes).toBe(1)
    for (let i = 0; i < 100; i++) {
      persistence.changed()
      vi.advanceTimersByTime(40)
    }
    expect(storage.writes).toBe(1)
    vi.advanceTimersByTime(1000)
    expect(storage.writes).toBe(2)
    persistence.changed()
    page.dispatchEvent(new Event('pagehide'))
    expect(storage.writes).toBe(3)
    // Nothing changed since: hiding again writes nothing.
    hidden = true
    page.dispatchEvent(new Event('visibilitychange'))
    expect(storage.writes).toBe(3)
    persistence.changed()
    page.dispatchEvent(new Event('visibilitychange'))
    expect(storage.writes).toBe(4)
    persistence.stop()
    persistence.changed()
    page.dispatchEvent(new Event('pagehide'))
    vi.advanceTimersByTime(10_000)
    expect(storage.writes).toBe(4)
  })

  it('saves nothing while the board is unconfirmed, and saves once it is', () => {
    const storage = new MemoryStorage()
    let confirmed = false
    const persistence = createBoardPersistence({
      storage,
      read: () => (confirmed ? saved() : null),
      pageTarget: null,
    })
    persistence.changed()
    vi.advanceTimersByTime(10_000)
    expect(storage.writes).toBe(0)
    confirmed = true
    persistence.flush()
    expect(storage.writes).toBe(1)
    persistence.stop()
  })
})

describe('instant start through connectBoard', () => {
  let connection: BoardConnection | null = null
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    FakeEventSource.reset()
  })
  afterEach(() => {
    connection?.stop()
    connection = null
    vi.useRealTimers()
  })

  const start = (storage: Storage) =>
    (connection = connectBoard({
      EventSourceImpl: FakeEventSource,
      persist: { storage, intervalMs: 5000 },
      client: { network: { target: null, isOnline: () => true }, random: () => 0 },
    }))

  it('shows the saved board at once, stale and not live, resumes from its id, and confirms it on replay', () => {
    const storage = new MemoryStorage()
    storeSavedBoard(storage, saved({ dataAt: NOW - 60_000, heartbeatMs: 1000 }))
    start(storage)
    const board = useBoardStore()
    const status = useConnectionStore()
    expect([...board.builds.keys()]).toEqual(['b1'])
    expect([...board.pullRequests.keys()]).toEqual(['pr1'])
    expect(board.lastEventId).toBe('k3v9qa-41')
    expect(FakeEventSource.last().url).toBe('/api/stream?lastEventId=k3v9qa-41')
    expect(status.restored).toBe(true)
    expect(status.status).toBe('stale')
    expect(status.lastDataAt).toBe(NOW - 60_000)

    FakeEventSource.last().emit('hello', hello({ replayed: true, heartbeatMs: 1000 }))
    expect(status.status).toBe('live')
    expect(status.restored).toBe(false)
  })

  it('lets a fresh snapshot replace the saved board wholly', () => {
    const storage = new MemoryStorage()
    storeSavedBoard(storage, saved())
    start(storage)
    const es = FakeEventSource.last()
    es.emit('hello', hello())
    es.emit('snapshot', snapshot({ builds: [build({ id: 'b9' })] }), 'zz9-3')
    expect([...useBoardStore().builds.keys()]).toEqual(['b9'])
    expect(useBoardStore().pullRequests.size).toBe(0)
  })

  it('saves only a board the stream confirmed, with its resume id, throttled', async () => {
    const storage = new MemoryStorage()
    start(storage)
    const es = FakeEventSource.last()
    es.emit('hello', hello({ heartbeatMs: 2000 }))
    await vi.advanceTimersByTimeAsync(3000)
    expect(storage.writes).toBe(0)
    es.emit('snapshot', snapshot({ builds: [build({ id: 'b1' })] }), 'ep1-7')
    await vi.advanceTimersByTimeAsync(100)
    expect(storage.writes).toBe(1)
    expect(loadSavedBoard(storage)).toMatchObject({ lastEventId: 'ep1-7', heartbeatMs: 2000 })
    es.emit('build', build({ id: 'b2', updatedAt: '2026-01-01T10:00:01.000Z' }), 'ep1-8')
    await vi.advanceTimersByTimeAsync(100)
    expect(storage.writes).toBe(1)
    await vi.advanceTimersByTimeAsync(2000)
    es.emit('heartbeat', { serverTime: '2026-01-01T10:00:05.000Z' })
    await vi.advanceTimersByTimeAsync(2000)
    expect(storage.writes).toBe(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(storage.writes).toBe(2)
    expect(
      loadSavedBoard(storage)
        ?.builds.map((b) => b.id)
        .sort(),
    ).toEqual(['b1', 'b2'])
    expect(loadSavedBoard(storage)?.lastEventId).toBe('ep1-8')
  })

  it('saves a pending change when stopped, and nothing after', async () => {
    const storage = new MemoryStorage()
    start(storage)
    const es = FakeEventSource.last()
    es.emit('hello', hello({ heartbeatMs: 2000 }))
    es.emit('snapshot', snapshot({ builds: [build({ id: 'b1' })] }), 'ep1-7')
    await vi.advanceTimersByTimeAsync(100)
    expect(storage.writes).toBe(1)
    // Within the interval: held back until the next save, or until the page stops.
    es.emit('build', build({ id: 'b2', updatedAt: '2026-01-01T10:00:01.000Z' }), 'ep1-8')
    await vi.advanceTimersByTimeAsync(100)
    expect(storage.writes).toBe(1)
    connection!.stop()
    expect(storage.writes).toBe(2)
    expect(loadSavedBoard(storage)?.lastEventId).toBe('ep1-8')
    useBoardStore().applySnapshot({ builds: [build({ id: 'b3' })], pullRequests: [], deployments: [] }, 'ep1-9')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(storage.writes).toBe(2)
  })

  it('starts empty when the saved board is corrupt', () => {
    const storage = new MemoryStorage()
    storage.setItem(STORAGE_KEY, '{"v":1,"builds":[{"id":42}]')
    start(storage)
    expect(useBoardStore().builds.size).toBe(0)
    expect(useConnectionStore().restored).toBe(false)
    expect(FakeEventSource.last().url).toBe('/api/stream')
  })
})
