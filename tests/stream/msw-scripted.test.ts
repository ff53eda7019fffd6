import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { EventSource } from 'eventsource'
import { setupServer, type SetupServer } from 'msw/node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame, scriptedStream } from '../../mocks/msw/scripted'
import { connectBoard, type BoardConnection } from '../../src/stream/connect'
import { useBoardStore } from '../../src/stores/board'
import { useConnectionStore } from '../../src/stores/connection'
import type { EventSourceConstructor } from '../../src/stream/eventSource'
import { build, deployment, iso } from '../unit/fixtures/entities'
import { ORIGIN } from './mswSupport'

// The page's data layer (connectBoard -> stores) against a scripted MSW stream in Node: the
// test names every frame, including ones no encoder would produce.

let server: SetupServer | null = null
let connection: BoardConnection | null = null
let pinia: Pinia

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
})

afterEach(() => {
  connection?.stop()
  connection = null
  server?.close()
  server = null
})

function connect(warnings: string[] = []): BoardConnection {
  connection = connectBoard({
    url: `${ORIGIN}/api/stream`,
    followUrl: `${ORIGIN}/api/follow`,
    EventSourceImpl: EventSource as unknown as EventSourceConstructor,
    pinia,
    warn: (message) => warnings.push(message),
    client: { network: { target: null, isOnline: () => true } },
  })
  return connection
}

const hello = (connectionId: string) =>
  frame('hello', { connectionId, serverVersion: 'scripted', heartbeatMs: 60_000, replayed: false })

describe('connectBoard against a scripted MSW stream', () => {
  it('applies the snapshot and the events after it, and drops a malformed frame without losing the stream', async () => {
    const script = scriptedStream([
      { retry: 500 },
      hello('c-1'),
      frame(
        'snapshot',
        { builds: [build({ id: 'b-1', status: 'running' })], pullRequests: [], deployments: [], serverTime: iso(0) },
        'ep-3',
      ),
      frame('build', build({ id: 'b-1', status: 'failed', finishedAt: iso(5000), updatedAt: iso(5000) }), 'ep-4'),
      'event: build\ndata: {"id":"b-broken","status":\n\n',
      frame('deployment', deployment({ id: 'd-1', status: 'failed', environment: 'production' }), 'ep-5'),
    ])
    const mocked = setupServer(script.handler)
    mocked.listen({ onUnhandledRequest: 'error' })
    server = mocked
    const warnings: string[] = []
    connect(warnings)
    const board = useBoardStore(pinia)
    const status = useConnectionStore(pinia)

    await expect.poll(() => board.deployments.get('d-1')?.status).toBe('failed')
    expect(board.builds.get('b-1')?.status).toBe('failed')
    expect(board.builds.has('b-broken')).toBe(false)
    expect(board.lastEventId).toBe('ep-5')
    expect(status.status).toBe('live')
    expect(Object.values(status.dropped).reduce((a, b) => a + b, 0)).toBe(1)
    expect(warnings.join('\n')).toMatch(/dropped a build frame/)
    expect(script.requests).toHaveLength(1)
    expect(script.requests[0]!.lastEventId).toBeNull()

    // Frames pushed later on the same connection keep flowing.
    script.push(frame('build', build({ id: 'b-2', updatedAt: iso(9000) }), 'ep-6'))
    await expect.poll(() => board.builds.has('b-2')).toBe(true)
  })

  it('reopens after a reconnect event, resuming from the last id, and swaps in the next snapshot', async () => {
    const script = scriptedStream(({ index }) =>
      index === 0
        ? [
            hello('c-1'),
            frame(
              'snapshot',
              { builds: [build({ id: 'b-old' })], pullRequests: [], deployments: [], serverTime: iso(0) },
              'ep-1',
            ),
            frame('build', build({ id: 'b-new', updatedAt: iso(1000) }), 'ep-2'),
            frame('reconnect', { reason: 'recycle' }),
          ]
        : [
            hello('c-2'),
            frame(
              'snapshot',
              { builds: [build({ id: 'b-next' })], pullRequests: [], deployments: [], serverTime: iso(2000) },
              'other-7',
            ),
          ],
    )
    const mocked = setupServer(script.handler)
    mocked.listen({ onUnhandledRequest: 'error' })
    server = mocked
    connect()
    const board = useBoardStore(pinia)
    await expect.poll(() => board.builds.has('b-next')).toBe(true)
    expect(script.requests[1]!.lastEventId).toBe('ep-2')
    expect([...board.builds.keys()]).toEqual(['b-next'])
    expect(board.lastEventId).toBe('other-7')
  })
})
