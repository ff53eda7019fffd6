import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watch } from 'vue'
import { DEFAULT_MAX_LOG_LINES } from '../../src/domain/logBuffer'
import { connectBoard, type BoardConnection } from '../../src/stream/connect'
import { logLinesSetting, useLogStore } from '../../src/stores/log'
import { FakeEventSource, hello, snapshot } from './fixtures/fakeEventSource'

interface FollowCall {
  method: string
  body: { connectionId: string; buildId: string; fromOffset?: number }
}

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`)

let connection: BoardConnection | null = null
let calls: FollowCall[]

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
  FakeEventSource.reset()
  calls = []
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    calls.push({ method: init.method!, body: JSON.parse(String(init.body)) })
    return new Response(null, { status: 204 })
  }) as unknown as typeof fetch
  connection = connectBoard({
    EventSourceImpl: FakeEventSource,
    fetchImpl,
    warn: () => {},
    client: { network: { target: null, isOnline: () => true }, random: () => 0 },
  })
})

afterEach(() => {
  connection?.()
  connection = null
  vi.useRealTimers()
})

function live(connectionId = 'c1'): FakeEventSource {
  const es = FakeEventSource.last()
  es.emit('hello', hello({ connectionId }))
  es.emit('snapshot', snapshot(), 'e1-0')
  return es
}

const offsets = (store: ReturnType<typeof useLogStore>) => store.lines.map((l) => l.offset)

describe('useLogStore', () => {
  it('follows the opened build with the connection id from hello, from offset 0', async () => {
    live('conn-7')
    const log = useLogStore()
    expect(await log.open('b1')).toBe(true)
    expect(calls).toEqual([{ method: 'POST', body: { connectionId: 'conn-7', buildId: 'b1', fromOffset: 0 } }])
    expect(log.buildId).toBe('b1')
    expect(log.accepted).toBe(true)
  })

  it('batches chunks until the next frame, then applies them in one replacement', async () => {
    const es = live()
    const log = useLogStore()
    await log.open('b1')
    const before = log.buffer
    es.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 3) })
    es.emit('log', { buildId: 'b1', offset: 3, lines: lines(3, 5) })
    es.emit('log', { buildId: 'other', offset: 0, lines: ['not ours'] })
    expect(log.buffer).toBe(before)
    expect(log.lines).toEqual([])
    const replaced = vi.fn()
    watch(() => log.buffer, replaced, { flush: 'sync' })
    vi.advanceTimersByTime(16)
    expect(log.lines.map((l) => l.text)).toEqual(lines(0, 5))
    expect(replaced).toHaveBeenCalledTimes(1)
  })

  it('drops lines it already holds, whatever the order they come in', async () => {
    const es = live()
    const log = useLogStore()
    await log.open('b1')
    es.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 4) })
    es.emit('log', { buildId: 'b1', offset: 6, lines: lines(6, 8) })
    es.emit('log', { buildId: 'b1', offset: 2, lines: lines(2, 7) })
    es.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 8) })
    log.flush()
    expect(offsets(log)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(log.lines.map((l) => l.text)).toEqual(lines(0, 8))
  })

  it('keeps the last maxLines lines and counts the ones before', async () => {
    const es = live()
    const log = useLogStore()
    log.maxLines = 100
    await log.open('b1')
    es.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 60) })
    log.flush()
    expect(log.hiddenBefore).toBe(0)
    es.emit('log', { buildId: 'b1', offset: 60, lines: lines(60, 90) })
    es.emit('log', { buildId: 'b1', offset: 90, lines: lines(90, 250) })
    log.flush()
    expect(log.lines).toHaveLength(100)
    expect(log.lines[0]!.offset).toBe(150)
    expect(log.hiddenBefore).toBe(150)
    expect(log.buffer.trimmed).toBe(150)
  })

  it('counts lines the server no longer had as hidden too', async () => {
    const es = live()
    const log = useLogStore()
    await log.open('b1')
    es.emit('log', { buildId: 'b1', offset: 1234, lines: ['first kept'] })
    log.flush()
    expect(log.hiddenBefore).toBe(1234)
  })

  it('publishes a flood that outruns the frames once, at the next frame, holding only the last maxLines', async () => {
    const es = live()
    const log = useLogStore()
    log.maxLines = 100
    await log.open('b1')
    const before = log.buffer
    for (let i = 0; i < 30; i++) es.emit('log', { buildId: 'b1', offset: i * 10, lines: lines(i * 10, i * 10 + 10) })
    // 300 lines with no frame in between: nothing renders from inside the stream's events.
    expect(log.buffer).toBe(before)
    vi.advanceTimersByTime(16)
    expect(offsets(log)).toEqual(Array.from({ length: 100 }, (_, i) => 200 + i))
    expect(log.hiddenBefore).toBe(200)
  })

  it('unfollows on close, frees the lines and ignores chunks that arrive after', async () => {
    const es = live('c1')
    const log = useLogStore()
    await log.open('b1')
    es.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 3) })
    log.close()
    await vi.waitFor(() =>
      expect(calls.at(-1)).toEqual({ method: 'DELETE', body: { connectionId: 'c1', buildId: 'b1' } }),
    )
    expect(log.buildId).toBeNull()
    expect(log.lines).toEqual([])
    es.emit('log', { buildId: 'b1', offset: 3, lines: lines(3, 5) })
    vi.advanceTimersByTime(100)
    expect(log.lines).toEqual([])
    expect((await connection!.follows())!.nextOffset('b1')).toBeUndefined()
  })

  it('follows one build at a time: opening another unfollows the first', async () => {
    const es = live('c1')
    const log = useLogStore()
    await log.open('b1')
    es.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 3) })
    await log.open('b2')
    expect(calls.map((c) => `${c.method} ${c.body.buildId}`)).toEqual(['POST b1', 'DELETE b1', 'POST b2'])
    es.emit('log', { buildId: 'b1', offset: 3, lines: ['late'] })
    es.emit('log', { buildId: 'b2', offset: 0, lines: ['b2 line'] })
    log.flush()
    expect(log.lines.map((l) => l.text)).toEqual(['b2 line'])
    // Opening the build already open sends nothing.
    await log.open('b2')
    expect(calls).toHaveLength(3)
  })

  it('follows and subscribes once when closed and opened again before the follow code has arrived', async () => {
    const es = live('c1')
    const log = useLogStore()
    const first = log.open('b1')
    log.close()
    const second = log.open('b1')
    expect(await first).toBe(false)
    expect(await second).toBe(true)
    await vi.waitFor(() => expect(calls.map((c) => `${c.method} ${c.body.buildId}`)).toEqual(['POST b1']))
    es.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 2) })
    log.close()
    es.emit('log', { buildId: 'b1', offset: 2, lines: lines(2, 4) })
    log.flush()
    // No subscription outlives the close: nothing was queued after it.
    expect(log.lines).toEqual([])
  })

  it('follows only the last of two builds opened before the follow code has arrived', async () => {
    const es = live('c1')
    const log = useLogStore()
    const first = log.open('b1')
    const second = log.open('b2')
    expect(await first).toBe(false)
    expect(await second).toBe(true)
    await vi.waitFor(() => expect(calls.map((c) => `${c.method} ${c.body.buildId}`)).toContain('POST b2'))
    expect(calls.map((c) => `${c.method} ${c.body.buildId}`).filter((c) => c.startsWith('POST'))).toEqual(['POST b2'])
    expect(log.accepted).toBe(true)
    es.emit('log', { buildId: 'b1', offset: 0, lines: ['b1 line'] })
    es.emit('log', { buildId: 'b2', offset: 0, lines: ['b2 line'] })
    log.flush()
    expect(log.lines.map((l) => l.text)).toEqual(['b2 line'])
  })

  it('re-follows from the first missing offset on a new connection and shows every line once', async () => {
    const first = live('c1')
    const log = useLogStore()
    await log.open('b1')
    first.emit('log', { buildId: 'b1', offset: 0, lines: lines(0, 40) })
    first.emit('reconnect', { reason: 'recycle' })
    const second = FakeEventSource.last()
    expect(second).not.toBe(first)
    second.emit('hello', hello({ connectionId: 'c2' }))
    await vi.waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[1]).toEqual({ method: 'POST', body: { connectionId: 'c2', buildId: 'b1', fromOffset: 40 } })
    // The new backlog overlaps what is held (a server may resend); nothing shows twice.
    second.emit('log', { buildId: 'b1', offset: 35, lines: lines(35, 60) })
    vi.advanceTimersByTime(16)
    expect(offsets(log)).toEqual(Array.from({ length: 60 }, (_, i) => i))
  })

  it('queues the follow until the first hello when opened before the connection is up', async () => {
    const log = useLogStore()
    expect(await log.open('b1')).toBe(false)
    expect(calls).toEqual([])
    FakeEventSource.last().emit('hello', hello({ connectionId: 'late' }))
    await vi.waitFor(() =>
      expect(calls).toEqual([{ method: 'POST', body: { connectionId: 'late', buildId: 'b1', fromOffset: 0 } }]),
    )
  })
})

describe('logLinesSetting', () => {
  it.each([
    ['', DEFAULT_MAX_LOG_LINES],
    ['?logLines=2000', 2000],
    ['?logLines=5', 100],
    ['?logLines=10000000', 100_000],
    ['?logLines=abc', DEFAULT_MAX_LOG_LINES],
    ['?logLines=1.5', DEFAULT_MAX_LOG_LINES],
    ['?logLines=', DEFAULT_MAX_LOG_LINES],
  ])('%s keeps %i lines', (search, expected) => {
    expect(logLinesSetting(search)).toBe(expected)
  })
})
