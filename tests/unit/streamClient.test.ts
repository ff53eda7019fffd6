import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Rejection, StreamEvent } from '../../src/protocol'
import { createStreamClient, streamUrl, type StreamClientOptions } from '../../src/stream/eventSource'
import { MAX_HEARTBEAT_MS, type ConnectionStatus } from '../../src/stream/status'
import { FakeEventSource, hello, snapshot } from './fixtures/fakeEventSource'
import { build } from './fixtures/entities'

class Network extends EventTarget {
  online = true
  go(online: boolean) {
    this.online = online
    this.dispatchEvent(new Event(online ? 'online' : 'offline'))
  }
}

let network: Network
let events: StreamEvent[]
let rejections: Rejection[]
let statuses: ConnectionStatus[]

function client(overrides: Partial<StreamClientOptions> = {}) {
  return createStreamClient({
    url: '/api/stream',
    EventSourceImpl: FakeEventSource,
    onEvent: (e) => events.push(e),
    onReject: (r) => rejections.push(r),
    onStatus: (s) => statuses.push(s),
    random: () => 0.5,
    network: { target: network, isOnline: () => network.online },
    ...overrides,
  })
}

/** Says hello and sends the snapshot with id `snapId` on the newest connection. */
function goLive(snapId = 'e-0', heartbeatMs = 1000) {
  const es = FakeEventSource.last()
  es.emit('hello', hello({ heartbeatMs }), 'ignored-1')
  es.emit('snapshot', snapshot(), snapId)
  return es
}

const resumeIdOf = (es: FakeEventSource) => new URL(es.url, 'http://x').searchParams.get('lastEventId')

beforeEach(() => {
  vi.useFakeTimers()
  FakeEventSource.reset()
  network = new Network()
  events = []
  rejections = []
  statuses = []
})

afterEach(() => {
  vi.useRealTimers()
})

describe('streamUrl', () => {
  it.each([
    ['/api/stream', null, '/api/stream'],
    ['/api/stream', 'e1-5', '/api/stream?lastEventId=e1-5'],
    ['/api/stream?x=1', 'e1-5', '/api/stream?x=1&lastEventId=e1-5'],
    ['/s', 'a b&c', '/s?lastEventId=a%20b%26c'],
  ])('%s + %s', (url, id, expected) => {
    expect(streamUrl(url, id)).toBe(expected)
  })
})

describe('createStreamClient', () => {
  it('opens one EventSource, parses frames and goes live after hello and snapshot', () => {
    const c = client()
    expect(FakeEventSource.instances).toHaveLength(1)
    expect(FakeEventSource.last().url).toBe('/api/stream')
    expect(statuses).toEqual(['connecting'])
    const es = FakeEventSource.last()
    es.emit('hello', hello(), 'stale-buffer-id')
    expect(statuses).toEqual(['connecting'])
    es.emit('snapshot', snapshot(), 'e-0')
    expect(statuses).toEqual(['connecting', 'live'])
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['hello', null],
      ['snapshot', 'e-0'],
    ])
    expect(c.info()).toMatchObject({ status: 'live', connectionId: 'c1', heartbeatMs: 1000, lastEventId: 'e-0' })
    c.close()
  })

  it('goes live on a replayed hello without a snapshot', () => {
    const c = client({ lastEventId: 'e-4' })
    expect(resumeIdOf(FakeEventSource.last())).toBe('e-4')
    FakeEventSource.last().emit('hello', hello({ replayed: true }))
    expect(statuses.at(-1)).toBe('live')
    c.close()
  })

  it('tracks the last state-event id, not the id buffer repeated on per-connection frames', () => {
    const c = client()
    const es = goLive('e-0')
    es.emit('build', build({ id: 'b1' }), 'e-7')
    es.emit('heartbeat', { serverTime: '2026-01-01T10:00:01.000Z' }, 'e-7')
    es.emit('log', { buildId: 'b1', offset: 0, lines: ['x'] }, 'e-7')
    expect(events.filter((e) => e.type === 'heartbeat' || e.type === 'log').map((e) => e.id)).toEqual([null, null])
    expect(c.info().lastEventId).toBe('e-7')
    expect(Object.isFrozen(events.find((e) => e.type === 'build')!.data)).toBe(true)
    c.close()
  })

  it('on a reconnect event opens a fresh connection at once with the resume id, closing the old', () => {
    const c = client()
    const first = goLive('e-0')
    first.emit('build', build(), 'e-3')
    first.emit('reconnect', { reason: 'recycle' })
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(first.readyState).toBe(2)
    expect(FakeEventSource.open()).toHaveLength(1)
    const second = FakeEventSource.last()
    expect(resumeIdOf(second)).toBe('e-3')
    // A planned hand-over keeps the badge calm.
    expect(statuses).toEqual(['connecting', 'live'])
    second.emit('hello', hello({ connectionId: 'c2', replayed: true }))
    expect(c.info().connectionId).toBe('c2')
    expect(statuses).toEqual(['connecting', 'live'])
    // Frames of the closed connection are ignored.
    first.emit('build', build({ id: 'late' }), 'e-99')
    expect(c.info().lastEventId).toBe('e-3')
    expect(events.some((e) => e.type === 'build' && e.data.id === 'late')).toBe(false)
    expect(first.listeners).toBe(0)
    c.close()
  })

  it('reopens, resuming, after 2.5 heartbeats without any frame; heartbeats keep it open', () => {
    const c = client()
    const first = goLive('e-2', 1000)
    vi.advanceTimersByTime(2000)
    first.emit('heartbeat', { serverTime: '2026-01-01T10:00:02.000Z' })
    vi.advanceTimersByTime(2000)
    expect(FakeEventSource.instances).toHaveLength(1)
    vi.advanceTimersByTime(499)
    expect(FakeEventSource.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(first.readyState).toBe(2)
    expect(resumeIdOf(FakeEventSource.last())).toBe('e-2')
    // Silence past two heartbeats without a live connection: the data is stale.
    expect(statuses.at(-1)).toBe('stale')
    FakeEventSource.last().emit('hello', hello({ replayed: true }))
    expect(statuses.at(-1)).toBe('live')
    c.close()
  })

  it('does not set a timer per frame: the watchdog checks the real silence when it fires', () => {
    let timersSet = 0
    const c = client({
      setTimeout: (fn, ms) => {
        timersSet++
        return globalThis.setTimeout(fn, ms)
      },
    })
    const es = goLive('e-0', 1000)
    const before = timersSet
    for (let i = 1; i <= 200; i++) es.emit('build', build({ id: `b${i}` }), `e-${i}`)
    expect(timersSet).toBe(before)
    vi.advanceTimersByTime(2499)
    expect(FakeEventSource.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.instances).toHaveLength(2)
    c.close()
  })

  it('uses the fallback heartbeat for the watchdog until a hello names one', () => {
    const c = client({ heartbeatFallbackMs: 4000 })
    vi.advanceTimersByTime(9999)
    expect(FakeEventSource.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(FakeEventSource.open()).toHaveLength(1)
    c.close()
  })

  it('reopens a connection that has not said hello 10 s after opening, even before the watchdog would', () => {
    const c = client({ heartbeatFallbackMs: 15_000 })
    const first = FakeEventSource.last()
    vi.advanceTimersByTime(5000)
    // Frames other than the hello do not count as the handshake.
    first.emit('heartbeat', { serverTime: '2026-01-01T10:00:01.000Z' })
    vi.advanceTimersByTime(4999)
    expect(FakeEventSource.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(first.readyState).toBe(2)
    // Once the hello came, silence is judged by the heartbeat again: 2.5 x 15 s.
    FakeEventSource.last().emit('hello', hello({ heartbeatMs: 15_000 }))
    vi.advanceTimersByTime(37_499)
    expect(FakeEventSource.instances).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.instances).toHaveLength(3)
    c.close()
  })

  it('believes a heartbeat of at most a minute: a dead stream announcing an hour is still caught', () => {
    const c = client()
    goLive('e-4', 3_600_000)
    vi.advanceTimersByTime(2 * MAX_HEARTBEAT_MS + 1)
    expect(statuses.at(-1)).toBe('live')
    vi.advanceTimersByTime(MAX_HEARTBEAT_MS / 2 - 1)
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(resumeIdOf(FakeEventSource.last())).toBe('e-4')
    expect(statuses.at(-1)).toBe('stale')
    c.close()
  })

  it('lets the browser retry by itself while readyState is CONNECTING, showing reconnecting then stale', () => {
    const c = client()
    const es = goLive('e-1', 1000)
    es.dropAndRetry()
    expect(FakeEventSource.instances).toHaveLength(1)
    expect(statuses.at(-1)).toBe('reconnecting')
    vi.advanceTimersByTime(2001)
    expect(statuses.at(-1)).toBe('stale')
    es.emit('hello', hello({ connectionId: 'c2', replayed: true }))
    expect(statuses.at(-1)).toBe('live')
    expect(FakeEventSource.instances).toHaveLength(1)
    c.close()
  })

  it('backs off with full jitter, doubling from 1 s up to a 30 s cap, forever, resuming each time', () => {
    const c = client({ random: () => 0.999_999 })
    goLive('e-5')
    const expected = [999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]
    for (const delay of expected) {
      const before = FakeEventSource.instances.length
      FakeEventSource.last().fail()
      expect(FakeEventSource.open()).toHaveLength(0)
      vi.advanceTimersByTime(delay - 1)
      expect(FakeEventSource.instances).toHaveLength(before)
      vi.advanceTimersByTime(1)
      expect(FakeEventSource.instances).toHaveLength(before + 1)
      expect(FakeEventSource.open()).toHaveLength(1)
      expect(resumeIdOf(FakeEventSource.last())).toBe('e-5')
    }
    expect(statuses.at(-1)).toBe('stale')
    c.close()
  })

  it('draws each delay between 0 and the ceiling and restarts the growth after a hello', () => {
    const draws = [0, 0.5, 0.5]
    const c = client({ random: () => draws.shift() ?? 0 })
    goLive()
    FakeEventSource.last().fail()
    vi.advanceTimersByTime(0)
    expect(FakeEventSource.instances).toHaveLength(2)
    FakeEventSource.last().fail()
    vi.advanceTimersByTime(999)
    expect(FakeEventSource.instances).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeEventSource.instances).toHaveLength(3)
    // A hello resets the growth: the next ceiling is 1 s again, not 4 s.
    FakeEventSource.last().emit('hello', hello())
    FakeEventSource.last().fail()
    vi.advanceTimersByTime(500)
    expect(FakeEventSource.instances).toHaveLength(4)
    c.close()
  })

  it('goes offline on the offline event and reconnects at once when back online', () => {
    const c = client()
    const first = goLive('e-9')
    network.go(false)
    expect(statuses.at(-1)).toBe('offline')
    first.fail()
    vi.advanceTimersByTime(60_000)
    expect(FakeEventSource.instances).toHaveLength(1)
    network.go(true)
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(FakeEventSource.open()).toHaveLength(1)
    expect(resumeIdOf(FakeEventSource.last())).toBe('e-9')
    expect(statuses.at(-1)).toBe('stale')
    FakeEventSource.last().emit('hello', hello({ replayed: true }))
    expect(statuses.at(-1)).toBe('live')
    c.close()
  })

  it('reconnects at once on online even while the old connection looks open', () => {
    const c = client()
    const first = goLive('e-1')
    network.go(true)
    expect(first.readyState).toBe(2)
    expect(FakeEventSource.open()).toHaveLength(1)
    c.close()
  })

  it('does not open while the browser starts offline', () => {
    network.online = false
    const c = client()
    expect(FakeEventSource.instances).toHaveLength(0)
    expect(statuses).toEqual(['offline'])
    network.go(true)
    expect(FakeEventSource.instances).toHaveLength(1)
    c.close()
  })

  it('counts malformed frames as rejections and keeps going', () => {
    const c = client()
    const es = goLive()
    es.emit('build', '{not json', 'e-1')
    es.emit('build', { ...build(), status: 'exploded' }, 'e-2')
    es.emit('message', { hi: 1 })
    es.emit('heartbeat', { serverTime: 'yesterday' })
    es.emit('build', build({ id: 'ok' }), 'e-3')
    expect(rejections.map((r) => [r.type, r.kind])).toEqual([
      ['build', 'bad_json'],
      ['build', 'invalid'],
      ['message', 'unknown_event'],
      ['heartbeat', 'invalid'],
    ])
    expect(events.at(-1)).toMatchObject({ type: 'build', id: 'e-3' })
    // A rejected state event does not move the resume point.
    expect(c.info().lastEventId).toBe('e-3')
    expect(statuses.at(-1)).toBe('live')
    c.close()
  })

  it('keeps a snapshot whose one entity it cannot read, reporting that entity, and goes live', () => {
    const c = client()
    const es = FakeEventSource.last()
    es.emit('hello', hello(), 'ignored')
    es.emit(
      'snapshot',
      snapshot({ builds: [build({ id: 'good' }), { ...build({ id: 'new-status' }), status: 'skipped' }] }),
      'e-5',
    )
    const applied = events.find((e) => e.type === 'snapshot')
    expect(applied?.type === 'snapshot' && applied.data.builds.map((b) => b.id)).toEqual(['good'])
    expect(rejections.map((r) => [r.type, r.kind, r.reason.split(':')[0]])).toEqual([
      ['build', 'invalid', 'snapshot.builds[1].status'],
    ])
    expect(c.info().lastEventId).toBe('e-5')
    expect(statuses.at(-1)).toBe('live')
    c.close()
  })

  it('keeps exactly one EventSource open through every kind of reopen', () => {
    const c = client({ random: () => 0 })
    const check = () => expect(FakeEventSource.open().length).toBeLessThanOrEqual(1)
    goLive()
    check()
    FakeEventSource.last().emit('reconnect', { reason: 'recycle' })
    check()
    vi.advanceTimersByTime(60_000)
    check()
    FakeEventSource.last().fail()
    check()
    vi.advanceTimersByTime(1)
    check()
    network.go(true)
    check()
    c.reconnect()
    check()
    expect(FakeEventSource.open()).toHaveLength(1)
    c.close()
    expect(FakeEventSource.open()).toHaveLength(0)
  })

  it('close() removes every listener and timer and ignores later signals', () => {
    const c = client()
    const es = goLive()
    es.dropAndRetry()
    c.close()
    expect(es.readyState).toBe(2)
    expect(es.listeners).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    network.go(false)
    network.go(true)
    vi.advanceTimersByTime(120_000)
    expect(FakeEventSource.instances).toHaveLength(1)
    const before = statuses.length
    es.emit('hello', hello())
    expect(statuses.length).toBe(before)
  })

  it('close() during a backoff wait cancels the reopen', () => {
    const c = client()
    goLive()
    FakeEventSource.last().fail()
    c.close()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(60_000)
    expect(FakeEventSource.instances).toHaveLength(1)
  })
})
