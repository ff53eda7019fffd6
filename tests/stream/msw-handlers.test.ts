import { setupServer, type SetupServer } from 'msw/node'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers } from '../../mocks/msw/handlers'
import { MockSession } from '../../mocks/msw/session'
import type { MockSettings } from '../../mocks/msw/settings'
import { build } from '../unit/fixtures/entities'
import { openMockStream, ORIGIN, type MockStream } from './mswSupport'

// Mock mode's /api in Node: the same handlers the service worker runs, against the protocol
// the stub keeps (hello, snapshot, ids, resume, heartbeat, recycle, follow, ingest).

let server: SetupServer | null = null
let session: MockSession | null = null
const streams: MockStream[] = []

function start(settings: Partial<MockSettings> = {}): MockSession {
  session = new MockSession({ heartbeatMs: 60_000, recycleMs: 0, ...settings }, { simulate: false }).start()
  const mocked = setupServer(...createHandlers(session))
  mocked.listen({ onUnhandledRequest: 'error' })
  server = mocked
  return session
}

async function open(path = '/api/stream', headers: Record<string, string> = {}): Promise<MockStream> {
  const stream = await openMockStream(path, headers)
  streams.push(stream)
  return stream
}

const post = (path: string, body: unknown, method = 'POST') =>
  fetch(`${ORIGIN}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

afterEach(() => {
  for (const stream of streams.splice(0)) stream.close()
  session?.stop()
  server?.close()
  session = null
  server = null
})

describe('MSW /api/stream', () => {
  it('answers with the stream headers, a retry line, hello, then a snapshot carrying the head id', async () => {
    const s = start({ retryMs: 1234 })
    s.hub.publish('build', build({ id: 'b-1' }))
    const stream = await open()
    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(stream.headers.get('x-accel-buffering')).toBe('no')
    const snapshot = await stream.waitFor((e) => e.event === 'snapshot')
    expect(stream.text()).toMatch(/^retry: 1234\n\nevent: hello\ndata: /)
    expect(stream.retries).toEqual([1234])
    const hello = JSON.parse(stream.events[0]!.data) as Record<string, unknown>
    expect(stream.events[0]!.id).toBeUndefined()
    expect(hello).toMatchObject({ serverVersion: 'mock', heartbeatMs: 60_000, replayed: false })
    expect(s.connections.has(hello.connectionId as string)).toBe(true)
    expect(snapshot.id).toBe(`${s.hub.epoch}-1`)
    expect(JSON.parse(snapshot.data).builds.map((b: { id: string }) => b.id)).toEqual(['b-1'])

    s.hub.publish('build', build({ id: 'b-2' }))
    const live = await stream.waitFor((e) => e.event === 'build')
    expect(live.id).toBe(`${s.hub.epoch}-2`)
  })

  it('resumes from the lastEventId query: replayed hello, then exactly the missed events in order', async () => {
    const s = start()
    for (let i = 1; i <= 5; i++) s.hub.publish('build', build({ id: `b-${i}` }))
    const stream = await open(`/api/stream?lastEventId=${s.hub.epoch}-2`)
    await stream.waitFor((e) => e.event === 'build' && e.id === `${s.hub.epoch}-5`)
    expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ replayed: true })
    expect(stream.events.map((e) => e.event)).toEqual(['hello', 'build', 'build', 'build'])
    expect(stream.events.slice(1).map((e) => e.id)).toEqual([3, 4, 5].map((n) => `${s.hub.epoch}-${n}`))
  })

  it('lets a non-empty Last-Event-ID header win over the query parameter', async () => {
    const s = start()
    for (let i = 1; i <= 3; i++) s.hub.publish('build', build({ id: `b-${i}` }))
    const stream = await open(`/api/stream?lastEventId=${s.hub.epoch}-1`, { 'Last-Event-ID': `${s.hub.epoch}-2` })
    await stream.waitFor((e) => e.id === `${s.hub.epoch}-3`)
    expect(stream.events.filter((e) => e.event === 'build').map((e) => e.id)).toEqual([`${s.hub.epoch}-3`])
  })

  it('answers a bad, foreign or future id with 200 and a fresh snapshot', async () => {
    const s = start()
    s.hub.publish('build', build({ id: 'b-1' }))
    for (const id of ['garbage', 'otherepoch-1', `${s.hub.epoch}-99`]) {
      const stream = await open(`/api/stream?lastEventId=${encodeURIComponent(id)}`)
      expect(stream.status).toBe(200)
      const snapshot = await stream.waitFor((e) => e.event === 'snapshot')
      expect(snapshot.id).toBe(`${s.hub.epoch}-1`)
      expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ replayed: false })
    }
  })

  it('sends heartbeats without ids, and recycles with a reconnect event on an event boundary', async () => {
    start({ heartbeatMs: 40, recycleMs: 300 })
    const stream = await open()
    const heartbeat = await stream.waitFor((e) => e.event === 'heartbeat')
    expect(heartbeat.id).toBeUndefined()
    expect(Number.isNaN(Date.parse(JSON.parse(heartbeat.data).serverTime))).toBe(false)
    await stream.waitForEnd(2000)
    expect(stream.events.at(-1)).toMatchObject({ event: 'reconnect', data: '{"reason":"recycle"}' })
    expect(stream.text().endsWith('\n\n')).toBe(true)
    expect(session!.connectionCount()).toBe(0)
  })

  it('forgets a connection the client closed', async () => {
    const s = start()
    const stream = await open()
    await stream.waitFor((e) => e.event === 'snapshot')
    expect(s.connectionCount()).toBe(1)
    stream.close()
    await expect.poll(() => s.connectionCount()).toBe(0)
  })
})

describe('MSW /api/follow and /api/events', () => {
  it('follows a build log: backlog from the offset, then live lines; unfollow stops them', async () => {
    const s = start()
    s.hub.appendLog('b-1', ['l0', 'l1', 'l2'])
    const stream = await open()
    const hello = await stream.waitFor((e) => e.event === 'hello')
    const { connectionId } = JSON.parse(hello.data) as { connectionId: string }
    expect((await post('/api/follow', { connectionId, buildId: 'b-1', fromOffset: 1 })).status).toBe(204)
    const backlog = await stream.waitFor((e) => e.event === 'log')
    expect(backlog.id).toBeUndefined()
    expect(JSON.parse(backlog.data)).toEqual({ buildId: 'b-1', offset: 1, lines: ['l1', 'l2'] })
    s.hub.appendLog('b-1', ['l3'])
    const live = await stream.waitFor((e) => e.event === 'log' && e.data.includes('l3'))
    expect(JSON.parse(live.data)).toEqual({ buildId: 'b-1', offset: 3, lines: ['l3'] })

    const unfollow = await fetch(`${ORIGIN}/api/follow?connectionId=${connectionId}&buildId=b-1`, { method: 'DELETE' })
    expect(unfollow.status).toBe(204)
    expect(s.hub.logs.watcherCount).toBe(0)
  })

  it('answers an unknown connection with 404 and a bad request with 400, as the stub does', async () => {
    start()
    const unknown = await post('/api/follow', { connectionId: 'nope', buildId: 'b-1' })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: expect.stringContaining('connectionId') })
    const bad = await post('/api/follow', { buildId: 'b-1' })
    expect(bad.status).toBe(400)
  })

  it('ingests pushed events: 202 with the last id, and they reach open streams', async () => {
    const s = start()
    const stream = await open()
    await stream.waitFor((e) => e.event === 'snapshot')
    const response = await post('/api/events', [
      { type: 'build', data: build({ id: 'b-pushed', status: 'failed' }) },
      { type: 'log', data: { buildId: 'b-pushed', lines: ['boom'] } },
    ])
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({ accepted: 2, lastId: `${s.hub.epoch}-1` })
    const pushed = await stream.waitFor((e) => e.event === 'build')
    expect(JSON.parse(pushed.data)).toMatchObject({ id: 'b-pushed', status: 'failed' })
    expect(s.hub.logBacklog('b-pushed')).toHaveLength(1)

    const bad = await post('/api/events', { type: 'build', data: { id: 'x' } })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/data/)
    const notJson = await fetch(`${ORIGIN}/api/events`, {
      method: 'POST',
      body: 'hi',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(notJson.status).toBe(415)
    expect(s.hub.head).toBe(1)
  })
})
