import { afterEach, describe, expect, it } from 'vitest'
import { parseEventId, parseFrame } from '../../src/protocol'
import {
  json,
  makeBuild,
  makeDeployment,
  makePullRequest,
  openRaw,
  seqOf,
  sleep,
  startStub,
  stateEvents,
  type RunningStub,
} from './helpers'

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

async function stub(overrides = {}) {
  running = await startStub(overrides)
  return running
}

describe('GET /api/stream', () => {
  it('answers 200 with the exact streaming headers and no compression even when gzip is accepted', async () => {
    const { url } = await stub()
    const s = await openRaw(`${url}/api/stream`, { 'Accept-Encoding': 'gzip, deflate, br' })
    expect(s.status).toBe(200)
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(s.headers['cache-control']).toBe('no-cache, no-transform')
    expect(s.headers['x-accel-buffering']).toBe('no')
    expect(s.headers['connection']).toBe('keep-alive')
    expect(s.headers['content-encoding']).toBeUndefined()
    expect(s.headers['content-length']).toBeUndefined()
    s.close()
  })

  it('starts with a retry line, then hello without id, then the snapshot with id <epoch>-0 on a fresh server', async () => {
    const { url, stub: server } = await stub({ heartbeatMs: 5000, retryMs: 2000 })
    const s = await openRaw(`${url}/api/stream`)
    await s.waitForCount(2)
    expect(s.text().startsWith('retry: 2000\n\n')).toBe(true)
    expect(s.retries).toEqual([2000])
    const [hello, snapshot] = s.events
    expect(hello!.event).toBe('hello')
    expect(hello!.id).toBeUndefined()
    const helloData = json<Record<string, unknown>>(hello!)
    expect(helloData).toMatchObject({ serverVersion: expect.any(String), heartbeatMs: 5000, replayed: false })
    expect(helloData.connectionId).toEqual(expect.any(String))
    expect(parseFrame('hello', hello!.data).ok).toBe(true)
    expect(snapshot!.event).toBe('snapshot')
    expect(snapshot!.id).toBe(`${server.hub.epoch}-0`)
    expect(server.hub.epoch).toMatch(/^[a-z0-9]+$/)
    const parsed = parseFrame('snapshot', snapshot!.data, snapshot!.id)
    expect(parsed.ok).toBe(true)
    expect(json(snapshot!)).toMatchObject({ builds: [], pullRequests: [], deployments: [] })
    s.close()
  })

  it('gives the snapshot the head id after N publishes and holds the published state', async () => {
    const { url, stub: server } = await stub()
    server.hub.publish('build', makeBuild(1))
    server.hub.publish('pull_request', makePullRequest(1))
    server.hub.publish('build', makeBuild(1, { status: 'passed', finishedAt: '2026-01-01T10:05:00.000Z' }))
    const s = await openRaw(`${url}/api/stream`)
    const snapshot = await s.waitFor((e) => e.event === 'snapshot')
    expect(snapshot.id).toBe(`${server.hub.epoch}-3`)
    const data = json<{ builds: { status: string }[]; pullRequests: unknown[] }>(snapshot)
    expect(data.builds.map((b) => b.status)).toEqual(['passed'])
    expect(data.pullRequests).toHaveLength(1)
    s.close()
  })

  it('sends later state events with strictly increasing ids without gaps, each carrying the whole entity', async () => {
    const { url, stub: server } = await stub()
    server.hub.publish('build', makeBuild(0))
    const s = await openRaw(`${url}/api/stream`)
    await s.waitFor((e) => e.event === 'snapshot')
    for (let i = 1; i <= 30; i++) {
      if (i % 3 === 0) server.hub.publish('deployment', makeDeployment(i))
      else if (i % 3 === 1) server.hub.publish('build', makeBuild(i))
      else server.hub.publish('pull_request', makePullRequest(i))
    }
    await s.waitFor((e) => e.id === `${server.hub.epoch}-31`)
    const ids = stateEvents(s.events).map((e) => parseEventId(e.id)!)
    expect(ids.map((id) => id.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2))
    expect(new Set(ids.map((id) => id.epoch))).toEqual(new Set([server.hub.epoch]))
    for (const e of stateEvents(s.events)) expect(parseFrame(e.event!, e.data, e.id ?? null).ok).toBe(true)
    s.close()
  })
})

describe('resume', () => {
  async function withHistory(overrides = {}) {
    const r = await stub(overrides)
    for (let i = 1; i <= 10; i++) r.stub.hub.publish('build', makeBuild(i))
    return r
  }

  it('replays exactly the missed events after a Last-Event-ID header, with replayed true and no snapshot', async () => {
    const { url, stub: server } = await withHistory()
    const s = await openRaw(`${url}/api/stream`, { 'Last-Event-ID': `${server.hub.epoch}-4` })
    await s.waitFor((e) => e.id === `${server.hub.epoch}-10`)
    expect(s.status).toBe(200)
    expect(s.events[0]!.event).toBe('hello')
    expect(json<{ replayed: boolean }>(s.events[0]!).replayed).toBe(true)
    expect(s.events.some((e) => e.event === 'snapshot')).toBe(false)
    expect(stateEvents(s.events).map((e) => seqOf(e.id))).toEqual([5, 6, 7, 8, 9, 10])
    server.hub.publish('build', makeBuild(11))
    await s.waitFor((e) => e.id === `${server.hub.epoch}-11`)
    expect(stateEvents(s.events).map((e) => seqOf(e.id))).toEqual([5, 6, 7, 8, 9, 10, 11])
    s.close()
  })

  it('resumes from the lastEventId query parameter, and a non-empty header wins over it', async () => {
    const { url, stub: server } = await withHistory()
    const q = await openRaw(`${url}/api/stream?lastEventId=${server.hub.epoch}-7`)
    await q.waitFor((e) => e.id === `${server.hub.epoch}-10`)
    expect(json<{ replayed: boolean }>(q.events[0]!).replayed).toBe(true)
    expect(stateEvents(q.events).map((e) => seqOf(e.id))).toEqual([8, 9, 10])

    const both = await openRaw(`${url}/api/stream?lastEventId=${server.hub.epoch}-2`, {
      'Last-Event-ID': `${server.hub.epoch}-8`,
    })
    await both.waitFor((e) => e.id === `${server.hub.epoch}-10`)
    expect(stateEvents(both.events).map((e) => seqOf(e.id))).toEqual([9, 10])

    const emptyHeader = await openRaw(`${url}/api/stream?lastEventId=${server.hub.epoch}-8`, { 'Last-Event-ID': '' })
    await emptyHeader.waitFor((e) => e.id === `${server.hub.epoch}-10`)
    expect(stateEvents(emptyHeader.events).map((e) => seqOf(e.id))).toEqual([9, 10])
    for (const s of [q, both, emptyHeader]) s.close()
  })

  it('resumes from the head itself with nothing to replay and no snapshot, also once the buffer is empty', async () => {
    const { url, stub: server } = await withHistory({ replayWindowMs: 50 })
    await sleep(80)
    expect(server.hub.bufferedCount).toBe(0)
    const s = await openRaw(`${url}/api/stream`, { 'Last-Event-ID': `${server.hub.epoch}-10` })
    await s.waitFor((e) => e.event === 'hello')
    expect(json<{ replayed: boolean }>(s.events[0]!).replayed).toBe(true)
    server.hub.publish('build', makeBuild(11))
    const next = await s.waitFor((e) => e.event === 'build')
    expect(next.id).toBe(`${server.hub.epoch}-11`)
    expect(s.events.map((e) => e.event)).toEqual(['hello', 'build'])
    s.close()
  })

  it.each([
    ['absent', null],
    ['malformed', 'not-an-id!'],
    ['empty seq', 'abc-'],
    ['foreign epoch', 'zzzzzzzzzz-5'],
    ['ahead of the head', 'EPOCH-11'],
    ['too old for the buffer', 'EPOCH-2'],
  ])('answers a %s id with 200 and a fresh snapshot', async (_label, raw) => {
    const { url, stub: server } = await withHistory({ replayMaxEvents: 5 })
    const headers: Record<string, string> =
      raw === null ? {} : { 'Last-Event-ID': raw.replace('EPOCH', server.hub.epoch) }
    const s = await openRaw(`${url}/api/stream`, headers)
    expect(s.status).toBe(200)
    await s.waitForCount(2)
    expect(json<{ replayed: boolean }>(s.events[0]!).replayed).toBe(false)
    expect(s.events[1]!.event).toBe('snapshot')
    expect(s.events[1]!.id).toBe(`${server.hub.epoch}-10`)
    s.close()
  })

  it('accepts the oldest buffered event minus one as a resume point, not one before', async () => {
    const { url, stub: server } = await withHistory({ replayMaxEvents: 5 })
    // buffered: 6..10
    const ok = await openRaw(`${url}/api/stream`, { 'Last-Event-ID': `${server.hub.epoch}-5` })
    await ok.waitFor((e) => e.id === `${server.hub.epoch}-10`)
    expect(stateEvents(ok.events).map((e) => seqOf(e.id))).toEqual([6, 7, 8, 9, 10])
    const old = await openRaw(`${url}/api/stream`, { 'Last-Event-ID': `${server.hub.epoch}-4` })
    await old.waitForCount(2)
    expect(old.events[1]!.event).toBe('snapshot')
    ok.close()
    old.close()
  })
})

describe('heartbeat and recycling', () => {
  it('sends id-less heartbeats at the configured cadence', async () => {
    const { url } = await stub({ heartbeatMs: 100 })
    const s = await openRaw(`${url}/api/stream`)
    const started = Date.now()
    await s.waitFor((e) => e.event === 'heartbeat' && s.events.filter((x) => x.event === 'heartbeat').length >= 4, 3000)
    const elapsed = Date.now() - started
    const beats = s.events.filter((e) => e.event === 'heartbeat')
    expect(beats.every((b) => b.id === undefined)).toBe(true)
    expect(beats.every((b) => parseFrame('heartbeat', b.data).ok)).toBe(true)
    // four beats at 100 ms cannot arrive before 400 ms
    expect(elapsed).toBeGreaterThanOrEqual(380)
    s.close()
  })

  it('ends the response after a reconnect event between 80% and 100% of RECYCLE_MS, on a frame boundary', async () => {
    const { url, stub: server } = await stub({ recycleMs: 400, heartbeatMs: 60_000 })
    const started = Date.now()
    const s = await openRaw(`${url}/api/stream`)
    const publisher = setInterval(() => server.hub.publish('build', makeBuild(1)), 5)
    await s.waitForEnd(2000)
    clearInterval(publisher)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(315)
    expect(elapsed).toBeLessThan(1000)
    const last = s.events.at(-1)!
    expect(last.event).toBe('reconnect')
    expect(json(last)).toEqual({ reason: 'recycle' })
    expect(last.id).toBeUndefined()
    expect(s.text().endsWith('\n\n')).toBe(true)
    const seqs = stateEvents(s.events).map((e) => seqOf(e.id))
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    expect(server.hub.subscriberCount).toBe(0)
  })
})
