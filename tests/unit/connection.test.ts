import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LogChunk } from '../../src/protocol'
import { activeFollows, connectBoard, type BoardConnection } from '../../src/stream/connect'
import { createFetchTransport, createFollows, type FollowTransport } from '../../src/stream/follow'
import { useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { STATUS_HISTORY_LENGTH, useConnectionStore } from '../../src/stores/connection'
import { build } from './fixtures/entities'
import { FakeEventSource, hello, snapshot } from './fixtures/fakeEventSource'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
  vi.setSystemTime(Date.parse('2026-01-01T10:00:00.000Z'))
  FakeEventSource.reset()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('useConnectionStore', () => {
  it('records status changes with times, keeping the last 20', () => {
    const connection = useConnectionStore()
    expect(connection.status).toBe('connecting')
    expect(connection.isLive).toBe(false)
    connection.setStatus('live', 1)
    expect(connection.isLive).toBe(true)
    connection.setStatus('live', 2)
    expect(connection.history).toEqual([{ status: 'live', at: 1 }])
    for (let i = 0; i < 30; i++) connection.setStatus(i % 2 ? 'live' : 'reconnecting', 10 + i)
    expect(connection.history).toHaveLength(STATUS_HISTORY_LENGTH)
    expect(connection.history.at(-1)).toEqual({ status: 'live', at: 39 })
  })

  it('counts rejections by kind and says when a kind is new', () => {
    const connection = useConnectionStore()
    expect(connection.recordRejection('bad_json')).toBe(true)
    expect(connection.recordRejection('bad_json')).toBe(false)
    expect(connection.recordRejection('invalid')).toBe(true)
    expect(connection.dropped).toEqual({ bad_json: 2, invalid: 1 })
  })

  it('records frame times at a coarse resolution unless forced', () => {
    const connection = useConnectionStore()
    connection.recordFrame(1000, 1000)
    connection.recordFrame(1100, 1100)
    expect(connection.lastMessageAt).toBe(1000)
    connection.recordFrame(1250, null)
    expect(connection.lastMessageAt).toBe(1250)
    expect(connection.lastDataAt).toBe(1000)
    connection.recordFrame(1260, 1260, true)
    expect(connection.lastDataAt).toBe(1260)
  })

  it('judges staleness by the announced heartbeat, up to a minute', () => {
    const connection = useConnectionStore()
    connection.recordHello({ connectionId: 'c1', serverVersion: '1', heartbeatMs: 5000 })
    expect(connection.heartbeatMs).toBe(5000)
    connection.recordHello({ connectionId: 'c2', serverVersion: '1', heartbeatMs: 3_600_000 })
    expect(connection.heartbeatMs).toBe(60_000)
  })
})

describe('createFollows', () => {
  function transport() {
    const calls: string[] = []
    const t: FollowTransport = {
      follow: async (c, b, o) => (calls.push(`follow ${c} ${b} ${o}`), true),
      unfollow: async (c, b) => (calls.push(`unfollow ${c} ${b}`), true),
    }
    return { t, calls }
  }

  it('holds follows until connected, then re-follows from the next missing offset on every new connection', async () => {
    const { t, calls } = transport()
    const follows = createFollows(t)
    expect(await follows.follow('b1', 0)).toBe(false)
    expect(calls).toEqual([])
    await follows.connected('c1')
    expect(calls).toEqual(['follow c1 b1 0'])
    follows.received({ buildId: 'b1', offset: 0, lines: ['a', 'b', 'c'] })
    follows.received({ buildId: 'b1', offset: 2, lines: ['c', 'd'] })
    expect(follows.nextOffset('b1')).toBe(4)
    // A jump ahead means the server no longer keeps the lines between (the backlog starts at
    // the oldest line kept): resume after it, rather than asking for lines that never come.
    follows.received({ buildId: 'b1', offset: 10, lines: ['k'] })
    expect(follows.nextOffset('b1')).toBe(11)
    // An older chunk never moves the resume point back.
    follows.received({ buildId: 'b1', offset: 5, lines: ['f'] })
    expect(follows.nextOffset('b1')).toBe(11)
    follows.received({ buildId: 'other', offset: 0, lines: ['x'] })
    expect(follows.nextOffset('other')).toBeUndefined()
    await follows.connected('c1')
    expect(calls).toHaveLength(1)
    await follows.connected('c2')
    expect(calls.at(-1)).toBe('follow c2 b1 11')
    await follows.unfollow('b1')
    expect(calls.at(-1)).toBe('unfollow c2 b1')
    await follows.connected('c3')
    expect(calls).toHaveLength(3)
    expect(follows.followed()).toEqual([])
  })
})

describe('createFetchTransport', () => {
  it('POSTs and DELETEs JSON to the follow endpoint and reports failures as false', async () => {
    const seen: [string, string, unknown][] = []
    let answer: () => Response = () => new Response(null, { status: 204 })
    const fetchImpl = (async (url: string, init: RequestInit) => {
      seen.push([url, init.method!, JSON.parse(String(init.body))])
      return answer()
    }) as unknown as typeof fetch
    const t = createFetchTransport('/api/follow', fetchImpl)
    expect(await t.follow('c1', 'b1', 7)).toBe(true)
    expect(await t.unfollow('c1', 'b1')).toBe(true)
    expect(seen).toEqual([
      ['/api/follow', 'POST', { connectionId: 'c1', buildId: 'b1', fromOffset: 7 }],
      ['/api/follow', 'DELETE', { connectionId: 'c1', buildId: 'b1' }],
    ])
    answer = () => new Response(JSON.stringify({ error: 'unknown connection' }), { status: 404 })
    expect(await t.follow('gone', 'b1', 0)).toBe(false)
    answer = () => {
      throw new TypeError('network down')
    }
    expect(await t.follow('c1', 'b1', 0)).toBe(false)
  })

  it('has no follows without an active connection', async () => {
    expect(await activeFollows()).toBeNull()
  })
})

describe('connectBoard', () => {
  let connection: BoardConnection | null = null
  let requests: { method: string; body: unknown }[]
  let warnings: string[]

  function connect() {
    requests = []
    warnings = []
    const fetchImpl = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      requests.push({ method: init?.method ?? 'GET', body: JSON.parse(String(init?.body)) })
      return new Response(null, { status: 204 })
    }) as unknown as typeof fetch
    connection = connectBoard({
      EventSourceImpl: FakeEventSource,
      fetchImpl,
      warn: (m) => warnings.push(m),
      client: { network: { target: null, isOnline: () => true }, random: () => 0 },
    })
    return connection
  }

  afterEach(() => {
    connection?.()
    connection = null
  })

  it('feeds snapshot, state events, hello and heartbeats into the stores', () => {
    connect()
    const board = useBoardStore()
    const status = useConnectionStore()
    const clock = useClockStore()
    expect(FakeEventSource.last().url).toBe('/api/stream')
    const es = FakeEventSource.last()
    es.emit('hello', hello({ connectionId: 'c1', serverVersion: '2.1.0', heartbeatMs: 5000 }))
    expect(status.connectionId).toBe('c1')
    expect(status.serverVersion).toBe('2.1.0')
    expect(status.heartbeatMs).toBe(5000)
    expect(status.status).toBe('connecting')
    es.emit('snapshot', snapshot({ builds: [build({ id: 'b1' })], serverTime: '2026-01-01T10:00:30.000Z' }), 'e-4')
    expect(board.hydrated).toBe(true)
    expect(board.lastEventId).toBe('e-4')
    expect(status.status).toBe('live')
    expect(status.isLive).toBe(true)
    expect(status.lastDataAt).toBe(Date.now())
    expect(clock.serverOffsetMs).toBe(30_000)
    es.emit('build', build({ id: 'b2', repo: 'web' }), 'e-5')
    expect(board.builds.has('b2')).toBe(false)
    vi.advanceTimersByTime(16)
    expect(board.builds.has('b2')).toBe(true)
    expect(board.lastEventId).toBe('e-5')
    es.emit('heartbeat', { serverTime: '2026-01-01T10:00:50.016Z' })
    expect(clock.serverOffsetMs).toBe(50_000)
    expect(status.history.map((h) => h.status)).toEqual(['connecting', 'live'])
  })

  it('keeps the board on a recycle and swaps in the new snapshot in one replacement', () => {
    connect()
    const board = useBoardStore()
    const first = FakeEventSource.last()
    first.emit('hello', hello())
    first.emit('snapshot', snapshot({ builds: [build({ id: 'a' })] }), 'e1-3')
    first.emit('reconnect', { reason: 'recycle' })
    const second = FakeEventSource.last()
    expect(second).not.toBe(first)
    expect(new URL(second.url, 'http://x').searchParams.get('lastEventId')).toBe('e1-3')
    expect(board.builds.has('a')).toBe(true)
    expect(useConnectionStore().status).toBe('live')
    second.emit('hello', hello({ connectionId: 'c2' }))
    second.emit('snapshot', snapshot({ builds: [build({ id: 'b' })] }), 'e2-0')
    expect([...board.builds.keys()]).toEqual(['b'])
    expect(useConnectionStore().history.map((h) => h.status)).toEqual(['connecting', 'live'])
  })

  it('counts rejected frames by kind and warns once per kind', () => {
    connect()
    const es = FakeEventSource.last()
    es.emit('hello', hello())
    es.emit('build', '{', 'e-1')
    es.emit('build', '[', 'e-2')
    es.emit('build', { id: 'x' }, 'e-3')
    expect(useConnectionStore().dropped).toEqual({ bad_json: 2, invalid: 1 })
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('bad_json')
  })

  it('follows a build with the connection id, passes log events on, and re-follows after a new hello', async () => {
    connect()
    const follows = (await activeFollows())!
    const chunks: LogChunk[] = []
    const off = follows.onLog((c) => chunks.push(c))
    const es = FakeEventSource.last()
    expect(await follows.follow('b1')).toBe(false)
    expect(requests).toEqual([])
    es.emit('hello', hello({ connectionId: 'c1' }))
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    expect(requests[0]).toEqual({ method: 'POST', body: { connectionId: 'c1', buildId: 'b1', fromOffset: 0 } })
    es.emit('log', { buildId: 'b1', offset: 0, lines: ['one', 'two'] })
    expect(chunks).toEqual([{ buildId: 'b1', offset: 0, lines: ['one', 'two'] }])
    expect(follows.nextOffset('b1')).toBe(2)
    es.dropAndRetry()
    es.emit('hello', hello({ connectionId: 'c2', replayed: true }))
    await vi.waitFor(() => expect(requests).toHaveLength(2))
    expect(requests[1]).toEqual({ method: 'POST', body: { connectionId: 'c2', buildId: 'b1', fromOffset: 2 } })
    expect(await follows.unfollow('b1')).toBe(true)
    expect(requests[2]).toEqual({ method: 'DELETE', body: { connectionId: 'c2', buildId: 'b1' } })
    off()
    es.emit('log', { buildId: 'b1', offset: 2, lines: ['three'] })
    expect(chunks).toHaveLength(1)
  })

  it('stop() closes the stream and stops the clock', () => {
    const stop = connect()
    const es = FakeEventSource.last()
    stop()
    connection = null
    expect(es.readyState).toBe(2)
    expect(es.listeners).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
