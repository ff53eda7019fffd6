import { setupServer, type SetupServer } from 'msw/node'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers } from '../../mocks/msw/handlers'
import { MockSession } from '../../mocks/msw/session'
import { DEV_ACTIONS, type ControlledSimulator } from '../../mocks/scenario/controls'
import { createSimulator } from '../../mocks/scenario/simulator'
import { createControlledSimulator, MALFORMED_FRAME } from '../../mocks/server/control'
import { openRaw, postJson, startStub, type RunningStub } from './helpers'
import { openMockStream, ORIGIN, type MockStream } from './mswSupport'

// The dev panel's commands: the controlled simulator (deterministic), the same commands
// through MSW's handlers in the page, and through the stub's /api/dev endpoints.

const T0 = Date.parse('2026-03-02T09:00:00.000Z')

function controlled(seed = 4, scenario: 'normal' | 'empty' = 'normal'): ControlledSimulator {
  return createControlledSimulator({ seed, repos: 40, speed: 1, scenario, startTime: T0 }).simulator
}

/** A fixed script of ticks and actions; returns everything the simulator emitted. */
function runScript(sim: ControlledSimulator): string {
  const out: unknown[] = []
  let now = T0
  for (const action of DEV_ACTIONS) {
    now += 700
    out.push(sim.advance(now))
    now += 300
    const result = sim.act(action, now)
    out.push(result)
  }
  return JSON.stringify(out)
}

describe('simulator controls', () => {
  it('are deterministic: the same calls at the same times give the same events', () => {
    expect(runScript(controlled(4))).toBe(runScript(controlled(4)))
    expect(runScript(controlled(4))).not.toBe(runScript(controlled(5)))
  })

  it('each action emits the entity it promises', () => {
    const sim = controlled()
    const emitted = (action: (typeof DEV_ACTIONS)[number]) => {
      const result = sim.act(action, T0 + 1000)
      expect(result.ok, result.message).toBe(true)
      const last = result.events.filter((e) => e.type !== 'log' && e.data.id === result.id).at(-1)
      return last?.data as Record<string, unknown>
    }
    expect(emitted('fail-build')).toMatchObject({ status: 'failed', branch: 'main' })
    expect(emitted('fix-build')).toMatchObject({ status: 'passed', branch: 'main' })
    expect(emitted('open-ready-pr')).toMatchObject({ state: 'open', draft: false, checks: 'passing', mergeable: true })
    expect((emitted('make-blocking').blocks as string[]).length).toBeGreaterThan(0)
    expect(emitted('start-rollout')).toMatchObject({ environment: 'production', status: 'in_progress' })
    expect(emitted('fail-deployment')).toMatchObject({ status: 'failed' })
  })

  it('a failed running build stays failed: the simulator drops its own run of it', () => {
    const sim = controlled()
    const { id } = sim.act('fail-build', T0 + 1000)
    const later = sim.advance(T0 + 60 * 60_000)
    expect(later.some((e) => e.type === 'build' && e.data.id === id)).toBe(false)
    expect(sim.state().builds.find((b) => b.id === id)?.status).toBe('failed')
  })

  it('pause stops time and postpones what was pending; resume carries on from there', () => {
    const sim = controlled()
    sim.advance(T0 + 1000)
    sim.pause()
    expect(sim.advance(T0 + 10 * 60_000)).toEqual([])
    sim.resume()
    // No burst of the paused ten minutes: the next second is an ordinary second.
    expect(sim.advance(T0 + 10 * 60_000 + 1000).length).toBeLessThan(20)
    expect(sim.advance(T0 + 20 * 60_000).length).toBeGreaterThan(0)
  })

  it('speed changes how much happens from then on', () => {
    const slow = controlled()
    const fast = controlled()
    fast.setSpeed(20)
    expect(fast.speed).toBe(20)
    const count = (sim: ControlledSimulator) => {
      let n = 0
      for (let t = T0 + 1000; t <= T0 + 5 * 60_000; t += 1000)
        n += sim.advance(t).filter((e) => e.type !== 'log').length
      return n
    }
    expect(count(fast)).toBeGreaterThan(count(slow) * 3)
    expect(() => fast.setSpeed(0)).toThrow(RangeError)
  })

  it('mock mode and the stub start from the same board for the same scenario and seed', () => {
    const session = new MockSession({ scenario: 'incident', seed: 7 })
    session.start()
    session.stop()
    const stubSim = createSimulator({ seed: 7, repos: 40, speed: 1, scenario: 'incident', startTime: T0 })
    const ids = (state: { builds: { id: string }[]; deployments: { id: string; status: string }[] }) => [
      state.builds.map((b) => b.id).sort(),
      state.deployments.map((d) => `${d.id}:${d.status}`).sort(),
    ]
    expect(ids(session.hub.state())).toEqual(ids(stubSim.state()))
  })

  it('refuses what the scenario cannot do', () => {
    const result = controlled(1, 'empty').act('start-rollout', T0 + 1000)
    expect(result).toMatchObject({ ok: false, id: null, message: 'no services in this scenario' })
  })
})

describe('dev commands through the MSW handlers', () => {
  let server: SetupServer | null = null
  let session: MockSession | null = null
  const streams: MockStream[] = []
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close()
    session?.stop()
    server?.close()
    session = null
    server = null
  })

  async function setUp(): Promise<MockSession> {
    session = new MockSession({ seed: 2, recycleMs: 0, heartbeatMs: 60_000 }).start()
    const mocked = setupServer(...createHandlers(session))
    mocked.listen({ onUnhandledRequest: 'error' })
    server = mocked
    return session
  }
  async function open(path = '/api/stream'): Promise<MockStream> {
    const stream = await openMockStream(path)
    streams.push(stream)
    await stream.waitFor((e) => e.event === 'snapshot' || e.event === 'hello')
    return stream
  }
  const command = (name: string, body?: unknown) =>
    fetch(`${ORIGIN}/api/dev/${name}`, {
      method: 'POST',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })

  it('fail-build publishes the failed build on the open streams, with the next id', async () => {
    const s = await setUp()
    const stream = await open()
    const response = await command('fail-build')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { ok: boolean; id: string; status: { scenario: string } }
    expect(body).toMatchObject({ ok: true, status: { scenario: 'normal' } })
    const event = await stream.waitFor((e) => e.event === 'build' && JSON.parse(e.data).id === body.id)
    expect(JSON.parse(event.data).status).toBe('failed')
    expect(event.id).toMatch(new RegExp(`^${s.hub.epoch}-\\d+$`))
  })

  it('malformed-frame writes the broken frame on live streams; drop-connection cuts them without goodbye', async () => {
    await setUp()
    const stream = await open()
    await stream.waitFor((e) => e.event === 'snapshot')
    await command('malformed-frame')
    await expect.poll(() => stream.text()).toContain(MALFORMED_FRAME)
    expect(((await (await command('drop-connection')).json()) as { message: string }).message).toBe(
      'dropped 1 stream(s)',
    )
    await stream.waitForEnd()
    expect(stream.events.some((e) => e.event === 'reconnect')).toBe(false)
  })

  it('scenario ends every stream and starts a new epoch with the new board', async () => {
    const s = await setUp()
    const stream = await open()
    const oldEpoch = s.hub.epoch
    const response = await command('scenario', { scenario: 'empty', seed: 9 })
    expect(response.status).toBe(200)
    await stream.waitForEnd()
    expect(stream.events.at(-1)).toMatchObject({ event: 'reconnect', data: '{"reason":"scenario"}' })
    const next = await open(`/api/stream?lastEventId=${oldEpoch}-1`)
    const snapshot = JSON.parse((await next.waitFor((e) => e.event === 'snapshot')).data)
    expect(snapshot).toMatchObject({ builds: [], pullRequests: [], deployments: [] })
    expect(s.hub.epoch).not.toBe(oldEpoch)
    const status = await (await fetch(`${ORIGIN}/api/dev/status`)).json()
    expect(status).toMatchObject({ scenario: 'empty', seed: 9, paused: false })
  })

  it('pause, resume and speed show in the status; bad input gets 400, unknown commands 404', async () => {
    await setUp()
    expect(await (await command('pause')).json()).toMatchObject({ status: { paused: true } })
    expect(await (await command('resume')).json()).toMatchObject({ status: { paused: false } })
    expect(await (await command('speed', { speed: 5 })).json()).toMatchObject({ status: { speed: 5 } })
    expect((await command('speed', { speed: -1 })).status).toBe(400)
    expect((await command('scenario', { scenario: 'nope' })).status).toBe(400)
    expect((await command('explode')).status).toBe(404)
    expect((await fetch(`${ORIGIN}/api/dev/fail-build`)).status).toBe(405)
  })
})

describe('dev commands on the stub', () => {
  let stub: RunningStub | null = null
  afterEach(async () => {
    await stub?.close()
    stub = null
  })
  const simulator = () => createSimulator({ seed: 3, repos: 40, speed: 1, startTime: Date.now() })

  it('are refused with 404 when no simulator runs (SIM=0)', async () => {
    stub = await startStub({ sim: false })
    const response = await postJson(`${stub.url}/api/dev/fail-build`, {})
    expect(response.status).toBe(404)
    expect((await fetch(`${stub.url}/api/dev/status`)).status).toBe(404)
  })

  it('fail-build reaches the stream; scenario switches to a new epoch', async () => {
    stub = await startStub({ sim: true }, { simulator: simulator() })
    const stream = await openRaw(`${stub.url}/api/stream`)
    await stream.waitFor((e) => e.event === 'snapshot')
    const response = await fetch(`${stub.url}/api/dev/fail-build`, { method: 'POST' })
    const body = (await response.json()) as { id: string }
    expect(response.status).toBe(200)
    const event = await stream.waitFor((e) => e.event === 'build' && JSON.parse(e.data).id === body.id)
    expect(JSON.parse(event.data).status).toBe('failed')

    const epoch = stub.stub.hub.epoch
    expect((await postJson(`${stub.url}/api/dev/scenario`, { scenario: 'empty' })).status).toBe(200)
    await stream.waitForEnd()
    expect(stream.events.at(-1)?.event).toBe('reconnect')
    expect(stub.stub.hub.epoch).not.toBe(epoch)
    const next = await openRaw(`${stub.url}/api/stream`)
    const snapshot = JSON.parse((await next.waitFor((e) => e.event === 'snapshot')).data)
    expect(snapshot.builds).toEqual([])
    next.close()
  })

  it('need the ingest token when INGEST_TOKEN is set', async () => {
    stub = await startStub({ sim: true, ingestToken: 's3cret' }, { simulator: simulator() })
    expect((await fetch(`${stub.url}/api/dev/pause`, { method: 'POST' })).status).toBe(401)
    const allowed = await fetch(`${stub.url}/api/dev/pause`, {
      method: 'POST',
      headers: { Authorization: 'Bearer s3cret' },
    })
    expect(allowed.status).toBe(200)
  })
})
