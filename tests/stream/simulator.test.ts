import { afterEach, describe, expect, it } from 'vitest'
import { createSimulator } from '../../mocks/scenario'
import type { SimEvent, Simulator } from '../../mocks/scenario/types'
import { parseFrame } from '../../src/protocol'
import { json, makeBuild, openRaw, seqOf, startStub, stateEvents, type RunningStub } from './helpers'

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

/** A scripted simulator: one running build with a log, then whatever the test queues. */
function fakeSimulator(): Simulator & { queue: SimEvent[] } {
  const queue: SimEvent[] = []
  return {
    queue,
    state: () => ({ builds: [makeBuild(1)], pullRequests: [], deployments: [] }),
    advance: () => queue.splice(0),
    logBacklog: (id) => (id === 'b-1' ? ['compiling', 'testing'] : []),
  }
}

describe('simulator driver', () => {
  it('seeds the snapshot and the logs from the simulator, then publishes what advance returns', async () => {
    const sim = fakeSimulator()
    running = await startStub({}, { simulator: sim, simTickMs: 10 })
    const { url, stub } = running
    expect(stub.hub.logs.info('b-1')).toEqual({ firstOffset: 0, nextOffset: 2 })
    const s = await openRaw(`${url}/api/stream`)
    const snapshot = await s.waitFor((e) => e.event === 'snapshot')
    expect(json<{ builds: { id: string }[] }>(snapshot).builds.map((b) => b.id)).toEqual(['b-1'])
    sim.queue.push({ type: 'log', data: { buildId: 'b-1', lines: ['done'] } })
    sim.queue.push({ type: 'build', data: makeBuild(1, { status: 'passed' }) })
    await s.waitFor((e) => e.event === 'build')
    expect(stub.hub.logs.info('b-1')).toEqual({ firstOffset: 0, nextOffset: 3 })
    expect(stub.hub.headId).toBe(`${stub.hub.epoch}-1`)
    s.close()
  })

  it('streams the seeded simulator: valid snapshot, valid contiguous events', async () => {
    const sim = createSimulator({ seed: 7, repos: 8, speed: 50, startTime: Date.now(), scenario: 'busy' })
    running = await startStub({}, { simulator: sim, simTickMs: 20 })
    const { url } = running
    const s = await openRaw(`${url}/api/stream`)
    const snapshot = await s.waitFor((e) => e.event === 'snapshot')
    expect(parseFrame('snapshot', snapshot.data, snapshot.id ?? null).ok).toBe(true)
    await s.waitFor(() => stateEvents(s.events).length >= 5, 10_000)
    const events = stateEvents(s.events)
    const start = seqOf(snapshot.id)
    expect(events.map((e) => seqOf(e.id))).toEqual(events.map((_, i) => start + 1 + i))
    for (const e of events) expect(parseFrame(e.event!, e.data, e.id ?? null)).toMatchObject({ ok: true })
    s.close()
  })
})
