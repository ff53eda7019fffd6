import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connectBoard, type BoardConnection } from '../../src/stream/connect'
import { loadSavedBoard } from '../../src/stream/savedBoard'
import { build } from './fixtures/entities'
import { FakeEventSource, hello, snapshot } from './fixtures/fakeEventSource'
import { MemoryStorage } from './fixtures/memoryStorage'

// Self-update and saving the board are loaded after the first paint (chunks of their own):
// what happens before their code arrives must not be lost.

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
})
