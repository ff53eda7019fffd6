import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EventHub } from '../../mocks/server/hub'
import {
  MAX_QUEUED_FRAMES,
  PlainTimers,
  StreamSession,
  type SessionContext,
  type StreamSink,
} from '../../mocks/server/streamSession'
import { build } from './fixtures/entities'

// The stream session on its own, behind a fake transport: what it writes, when it waits,
// when it gives up. The stub and MSW tests (tests/stream) run the same session over real transports.

/** Records writes; `budget` is how many more frames it takes before it asks the writer to wait. */
class FakeSink implements StreamSink {
  readonly writes: { frame: string; shared: boolean }[] = []
  budget = Infinity
  unsentBytes = 0
  closedWith: string | null = null
  destroyed = false

  get wantsMore(): boolean {
    return this.budget > 0
  }

  write(frame: string, shared: boolean): void {
    this.writes.push({ frame, shared })
    this.budget--
  }

  close(lastFrame: string): void {
    this.closedWith = lastFrame
  }

  destroy(): void {
    this.destroyed = true
  }

  /** Each written frame as `event@seq` (`retry` for the retry line). */
  get events(): string[] {
    return this.writes.map(({ frame }) => summary(frame))
  }
}

function summary(frame: string): string {
  if (frame.startsWith('retry:')) return 'retry'
  const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '?'
  const id = /^id: [a-z0-9]+-(\d+)$/m.exec(frame)?.[1]
  return id === undefined ? event : `${event}@${id}`
}

function dataOf(frame: string): unknown {
  return JSON.parse(/^data: (.*)$/m.exec(frame)![1]!)
}

const HEARTBEAT_MS = 1000
const T0 = Date.parse('2026-01-01T10:00:00.000Z')

function setup(options: Partial<SessionContext> = {}, replayMaxEvents = 100) {
  const hub = new EventHub({ replayWindowMs: 60_000, replayMaxEvents, now: () => Date.now(), epoch: 'e' })
  const sink = new FakeSink()
  const onClose = vi.fn()
  const ctx: SessionContext = {
    hub,
    heartbeatMs: HEARTBEAT_MS,
    recycleMs: 0,
    retryMs: 2000,
    maxUnsentBytes: 1000,
    stalledHeartbeats: Infinity,
    serverVersion: () => '1.0.0+test',
    now: () => Date.now(),
    random: () => 0.5,
    onClose,
    ...options,
  }
  const session = new StreamSession('conn-1', ctx, sink, new PlainTimers())
  let n = 0
  const publish = (count = 1) => {
    for (let i = 0; i < count; i++) hub.publish('build', build({ id: `b${++n}`, number: n }))
  }
  return { hub, sink, session, onClose, publish }
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})

afterEach(() => {
  vi.useRealTimers()
})

describe('StreamSession', () => {
  it('greets, sends a snapshot, then goes live and writes the hub frame as is, marked shared', () => {
    const { hub, sink, session, publish } = setup()
    publish(2)
    session.start(null)
    expect(sink.events).toEqual(['retry', 'hello', 'snapshot@2'])
    expect(sink.writes[0]!.frame).toBe('retry: 2000\n\n')
    expect(dataOf(sink.writes[1]!.frame)).toEqual({
      connectionId: 'conn-1',
      serverVersion: '1.0.0+test',
      heartbeatMs: HEARTBEAT_MS,
      replayed: false,
    })
    expect(sink.writes.every((w) => !w.shared)).toBe(true)
    expect(session.isLive).toBe(true)
    publish()
    expect(sink.events.at(-1)).toBe('build@3')
    expect(sink.writes.at(-1)!.frame).toBe(hub.frameAt(3))
    expect(sink.writes.at(-1)!.shared).toBe(true)
  })

  it('resumes: replays what was missed in order, without a snapshot, then goes live', () => {
    const { sink, session, publish } = setup()
    publish(5)
    session.start('e-2')
    expect(sink.events).toEqual(['retry', 'hello', 'build@3', 'build@4', 'build@5'])
    expect((dataOf(sink.writes[1]!.frame) as { replayed: boolean }).replayed).toBe(true)
    expect(sink.writes.slice(2).every((w) => !w.shared)).toBe(true)
    publish()
    expect(sink.events.slice(5)).toEqual(['build@6'])
  })

  it('stops when the transport asks to wait and picks up on ready(), with no gap and no duplicate', () => {
    const { sink, session, publish } = setup()
    publish(5)
    sink.budget = 4
    session.start('e-0')
    expect(sink.events).toEqual(['retry', 'hello', 'build@1', 'build@2'])
    expect(session.isLive).toBe(false)
    // Published while waiting: owed, read from the hub's buffer later rather than written now.
    publish()
    expect(sink.writes).toHaveLength(4)
    sink.budget = 2
    session.ready()
    expect(sink.events.slice(4)).toEqual(['build@3', 'build@4'])
    expect(session.isLive).toBe(false)
    sink.budget = Infinity
    session.ready()
    expect(sink.events.slice(6)).toEqual(['build@5', 'build@6'])
    expect(session.isLive).toBe(true)
    session.ready() // a pull or drain while live changes nothing
    publish()
    expect(sink.events.slice(8)).toEqual(['build@7'])
  })

  it('ends with reconnect (lagging) when the buffer dropped what the client still needs', () => {
    const { hub, sink, session, onClose, publish } = setup({}, 3)
    publish(3)
    sink.budget = 3
    session.start('e-0')
    expect(sink.events).toEqual(['retry', 'hello', 'build@1'])
    publish(5) // the buffer now holds 6..8; 2 is gone
    sink.budget = Infinity
    session.ready()
    expect(sink.closedWith).toBe('event: reconnect\ndata: {"reason":"lagging"}\n\n')
    expect(sink.writes).toHaveLength(3)
    expect(session.isClosed).toBe(true)
    expect(onClose).toHaveBeenCalledWith(session)
    expect(hub.subscriberCount).toBe(0)
  })

  it('queues control frames while catching up and sends them after the owed state events', () => {
    const { sink, session, publish } = setup()
    publish(2)
    sink.budget = 3
    session.start('e-0')
    session.sendControl('event: log\ndata: {"n":1}\n\n')
    publish()
    session.sendControl('event: log\ndata: {"n":2}\n\n')
    expect(sink.events).toEqual(['retry', 'hello', 'build@1'])
    sink.budget = Infinity
    session.ready()
    expect(sink.events.slice(3)).toEqual(['build@2', 'build@3', 'log', 'log'])
    expect(sink.writes.slice(-2).map((w) => dataOf(w.frame))).toEqual([{ n: 1 }, { n: 2 }])
    // Live: written at once, not shared.
    session.sendControl('event: log\ndata: {"n":3}\n\n')
    expect(sink.writes.at(-1)).toEqual({ frame: 'event: log\ndata: {"n":3}\n\n', shared: false })
  })

  it('cuts off a client that lets more than MAX_QUEUED_FRAMES control frames pile up', () => {
    const { sink, session } = setup()
    sink.budget = 2
    session.start('e-0')
    for (let i = 0; i < MAX_QUEUED_FRAMES; i++) session.sendControl('event: log\ndata: {}\n\n')
    expect(session.isClosed).toBe(false)
    session.sendControl('event: log\ndata: {}\n\n')
    expect(session.isClosed).toBe(true)
    expect(sink.destroyed).toBe(true)
    expect(sink.closedWith).toBeNull()
  })

  it('sends a bulk (log backlog) under flow control, leaving live until it is through', () => {
    const { sink, session, publish } = setup()
    session.start(null)
    expect(session.isLive).toBe(true)
    sink.budget = 1
    session.sendBulk(['event: log\ndata: {"n":1}\n\n', 'event: log\ndata: {"n":2}\n\n'])
    expect(session.isLive).toBe(false)
    publish()
    expect(sink.events.slice(2)).toEqual(['snapshot@0', 'log'])
    sink.budget = Infinity
    session.ready()
    expect(sink.events.slice(4)).toEqual(['build@1', 'log'])
    expect(session.isLive).toBe(true)
  })

  it('sends heartbeats only while live', () => {
    const { sink, session } = setup()
    sink.budget = 2
    session.start(null)
    vi.advanceTimersByTime(HEARTBEAT_MS * 3)
    expect(sink.events).toEqual(['retry', 'hello', 'snapshot@0'])
    sink.budget = Infinity
    session.ready()
    vi.advanceTimersByTime(HEARTBEAT_MS)
    expect(sink.events).toEqual(['retry', 'hello', 'snapshot@0', 'heartbeat'])
    expect(dataOf(sink.writes.at(-1)!.frame)).toEqual({ serverTime: new Date(T0 + HEARTBEAT_MS * 4).toISOString() })
    expect(sink.writes.at(-1)!.shared).toBe(false)
  })

  it('cuts off a catch-up stalled for more than stalledHeartbeats periods', () => {
    const { sink, session } = setup({ stalledHeartbeats: 2 })
    sink.budget = 2
    session.start(null)
    vi.advanceTimersByTime(HEARTBEAT_MS * 2)
    expect(session.isClosed).toBe(false)
    vi.advanceTimersByTime(HEARTBEAT_MS)
    expect(session.isClosed).toBe(true)
    expect(sink.destroyed).toBe(true)
  })

  it('cuts off a live client once more than maxUnsentBytes are unsent', () => {
    const { sink, session, publish } = setup({ maxUnsentBytes: 1000 })
    session.start(null)
    sink.unsentBytes = 1000
    publish()
    expect(session.isClosed).toBe(false)
    sink.unsentBytes = 1001
    publish()
    expect(session.isClosed).toBe(true)
    expect(sink.destroyed).toBe(true)
    expect(sink.closedWith).toBeNull()
  })

  it.each([
    [0, 8000],
    [1, 10_000],
  ])('recycles with reconnect after 80-100%% of recycleMs (random %s: %s ms)', (random, delay) => {
    const { sink, session } = setup({ recycleMs: 10_000, random: () => random })
    session.start(null)
    expect(vi.getTimerCount()).toBe(2)
    vi.advanceTimersByTime(delay - 1)
    expect(session.isClosed).toBe(false)
    vi.advanceTimersByTime(1)
    expect(sink.closedWith).toBe('event: reconnect\ndata: {"reason":"recycle"}\n\n')
    expect(session.isClosed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('never recycles with recycleMs 0', () => {
    const { session } = setup({ recycleMs: 0 })
    session.start(null)
    expect(vi.getTimerCount()).toBe(1)
  })

  it('ends once with reconnect (shutdown), stopping follows, timers and the subscription', () => {
    const { hub, sink, session, onClose, publish } = setup()
    session.start(null)
    const stop = vi.fn()
    session.follows.set('b1', stop)
    session.end('shutdown')
    expect(sink.closedWith).toBe('event: reconnect\ndata: {"reason":"shutdown"}\n\n')
    expect(stop).toHaveBeenCalledOnce()
    expect(session.follows.size).toBe(0)
    expect(hub.subscriberCount).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    const written = sink.writes.length
    session.end('again')
    session.destroy()
    session.sendControl('event: log\ndata: {}\n\n')
    session.sendBulk(['event: log\ndata: {}\n\n'])
    publish()
    expect(sink.writes).toHaveLength(written)
    expect(sink.closedWith).toContain('shutdown')
    expect(sink.destroyed).toBe(false)
    expect(onClose).toHaveBeenCalledOnce()
  })

  it('destroys without a goodbye; a transport that closed itself is only forgotten', () => {
    const first = setup()
    first.session.start(null)
    first.session.destroy()
    expect(first.sink.destroyed).toBe(true)
    expect(first.sink.closedWith).toBeNull()
    expect(first.onClose).toHaveBeenCalledOnce()

    const second = setup()
    second.session.start(null)
    second.session.transportClosed()
    expect(second.session.isClosed).toBe(true)
    expect(second.sink.destroyed).toBe(false)
    expect(second.sink.closedWith).toBeNull()
    expect(second.hub.subscriberCount).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
