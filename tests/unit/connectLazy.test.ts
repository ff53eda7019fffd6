import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connectBoard, type BoardConnection } from '../../src/stream/connect'
import { loadSavedBoard } from '../../src/stream/savedBoard'
import { build } from './fixtures/entities'
import { FakeEventSource, hello, snapshot } from './fixtures/fakeEventSource'
import { MemoryStorage } from './fixtures/memoryStorage'

// Self-update and saving the board are loaded after the first paint, and following a build's
// log on first use (chunks of their own): what happens before their code arrives must not be lost.

const NOW = Date.parse('2026-01-01T10:00:00.000Z')
const network = { target: null, isOnline: () => true }

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

describe('lazily loaded parts of the connection', () => {
  it('self-update: versions seen before its code arrived count, and a new release reloads the kiosk', async () => {
    const reload = vi.fn()
    connection = connectBoard({
      EventSourceImpl: FakeEventSource,
      client: { network, random: () => 0 },
      selfUpdate: { kiosk: true, reload, inputTarget: null },
    })
    const es = FakeEventSource.last()
    es.emit('hello', hello({ serverVersion: '1.0.0' }))
    es.emit('reconnect', { reason: 'recycle' })
    FakeEventSource.last().emit('hello', hello({ serverVersion: '1.1.0' }))
    expect(reload).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1))
  })

  it('self-update: the same release on every hello never reloads', async () => {
    const reload = vi.fn()
    connection = connectBoard({
      EventSourceImpl: FakeEventSource,
      client: { network, random: () => 0 },
      selfUpdate: { kiosk: true, reload, inputTarget: null },
    })
    FakeEventSource.last().emit('hello', hello({ serverVersion: '1.0.0' }))
    await vi.dynamicImportSettled()
    FakeEventSource.last().emit('hello', hello({ serverVersion: '1.0.0' }))
    expect(reload).not.toHaveBeenCalled()
  })

  it('saving: a board that went live before its code arrived is saved once it has', async () => {
    const storage = new MemoryStorage()
    connection = connectBoard({
      EventSourceImpl: FakeEventSource,
      client: { network, random: () => 0 },
      persist: { storage, intervalMs: 5000 },
    })
    const es = FakeEventSource.last()
    es.emit('hello', hello())
    es.emit('snapshot', snapshot({ builds: [build({ id: 'b1' })] }), 'ep1-3')
    expect(storage.items.size).toBe(0)
    await vi.dynamicImportSettled()
    await vi.advanceTimersByTimeAsync(100)
    expect(loadSavedBoard(storage)).toMatchObject({ lastEventId: 'ep1-3' })
  })

  it('saving: stopped before its code arrived, it never starts', async () => {
    const storage = new MemoryStorage()
    connection = connectBoard({
      EventSourceImpl: FakeEventSource,
      client: { network, random: () => 0 },
      persist: { storage, intervalMs: 5000 },
    })
    const es = FakeEventSource.last()
    es.emit('hello', hello())
    es.emit('snapshot', snapshot({ builds: [build({ id: 'b1' })] }), 'ep1-3')
    connection.stop()
    connection = null
    await vi.dynamicImportSettled()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(storage.items.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  describe('following a log', () => {
    let requests: { method: string; body: unknown }[]
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      requests.push({ method: init.method!, body: JSON.parse(String(init.body)) })
      return new Response(null, { status: 204 })
    }) as unknown as typeof fetch
    beforeEach(() => {
      requests = []
    })
    afterEach(() => {
      vi.doUnmock('../../src/stream/follow')
    })

    it('names the connection whose hello came before the code was asked for', async () => {
      connection = connectBoard({ EventSourceImpl: FakeEventSource, fetchImpl, client: { network } })
      FakeEventSource.last().emit('hello', hello({ connectionId: 'early' }))
      const follows = (await connection.follows())!
      expect(await follows.unfollow('b1')).toBe(false)
      expect(follows.nextOffset('b1')).toBeUndefined()
      expect(await follows.follow('b1', 3)).toBe(true)
      expect(requests).toEqual([{ method: 'POST', body: { connectionId: 'early', buildId: 'b1', fromOffset: 3 } }])
      expect(follows.nextOffset('b1')).toBe(3)
    })

    it('is null when its code does not load, and loads on the next try', async () => {
      const warnings: string[] = []
      connection = connectBoard({
        EventSourceImpl: FakeEventSource,
        fetchImpl,
        warn: (message) => warnings.push(message),
        client: { network },
      })
      FakeEventSource.last().emit('hello', hello({ connectionId: 'c1' }))
      vi.doMock('../../src/stream/follow', () => {
        throw new Error('chunk failed')
      })
      expect(await connection.follows()).toBeNull()
      expect(warnings).toHaveLength(1)
      expect(requests).toEqual([])
      vi.doUnmock('../../src/stream/follow')
      expect(await (await connection.follows())!.follow('b1')).toBe(true)
      expect(requests).toEqual([{ method: 'POST', body: { connectionId: 'c1', buildId: 'b1', fromOffset: 0 } }])
    })
  })
})
