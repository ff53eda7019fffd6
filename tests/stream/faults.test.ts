import { afterEach, describe, expect, it } from 'vitest'
import { INVALID_FRAMES, MALFORMED_FRAMES } from '../../mocks/server/faults'
import { loadSettings } from '../../mocks/server/settings'
import { parseFrame } from '../../src/protocol'
import { makeBuild, openRaw, startStub, stateEvents, type RunningStub } from './helpers'

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

const post = (url: string) => fetch(url, { method: 'POST' })

describe('fault control endpoint', () => {
  it('is off unless FAULTS=1, and FAULTS accepts only 0 or 1', async () => {
    expect(loadSettings({}).faults).toBe(false)
    expect(loadSettings({ FAULTS: '1' }).faults).toBe(true)
    expect(() => loadSettings({ FAULTS: 'yes' })).toThrow(/FAULTS="yes"/)
    running = await startStub()
    expect((await fetch(`${running.url}/api/faults/state`)).status).toBe(404)
    expect((await post(`${running.url}/api/faults/cut`)).status).toBe(404)
  })

  it('reads the state a snapshot would carry, with the head id', async () => {
    running = await startStub({ faults: true })
    const { url, stub } = running
    stub.hub.publish('build', makeBuild(1))
    const body = (await (await fetch(`${url}/api/faults/state`)).json()) as Record<string, unknown>
    expect(body).toMatchObject({ epoch: stub.hub.epoch, head: 1, headId: `${stub.hub.epoch}-1`, connections: 0 })
    expect((body.state as { builds: unknown[] }).builds).toHaveLength(1)
  })

  it('answers 503 for the stream and API for the given time, never for health or itself', async () => {
    running = await startStub({ faults: true })
    const { url } = running
    expect((await post(`${url}/api/faults/unavailable?ms=60000`)).status).toBe(200)
    const stream = await fetch(`${url}/api/stream`)
    expect(stream.status).toBe(503)
    expect(stream.headers.get('retry-after')).toBe('60')
    expect((await fetch(`${url}/api/health`)).status).toBe(200)
    expect((await post(`${url}/api/faults/unavailable?ms=0`)).status).toBe(200)
    const back = await openRaw(`${url}/api/stream`)
    expect(back.status).toBe(200)
    back.close()
    expect((await post(`${url}/api/faults/unavailable?ms=-1`)).status).toBe(400)
    expect((await post(`${url}/api/faults/nonsense`)).status).toBe(404)
    expect((await fetch(`${url}/api/faults/cut`)).status).toBe(405)
  })

  it('cuts every stream in the middle of an event', async () => {
    running = await startStub({ faults: true })
    const { url, stub } = running
    const streams = await Promise.all([openRaw(`${url}/api/stream`), openRaw(`${url}/api/stream`)])
    await Promise.all(streams.map((s) => s.waitFor((e) => e.event === 'snapshot')))
    const answer = (await (await post(`${url}/api/faults/cut`)).json()) as { cut: number }
    expect(answer.cut).toBe(2)
    for (const stream of streams) {
      await stream.waitForEnd()
      const tail = stream.text().split('\n\n').at(-1)!
      expect(tail).toMatch(/^id: \w+-1\nevent: build\ndata: \{/) // a frame begun, never finished
      expect(stateEvents(stream.events)).toHaveLength(0)
    }
    expect(stub.registry.size).toBe(0)
    expect(stub.timers.active).toBe(0)
  })

  it('injects malformed and schema-invalid frames, without ids, that the page parser rejects', async () => {
    running = await startStub({ faults: true })
    const { url } = running
    const stream = await openRaw(`${url}/api/stream`)
    await stream.waitFor((e) => e.event === 'snapshot')
    const before = stream.events.length
    const answer = (await (await post(`${url}/api/faults/inject?malformed=4&invalid=4`)).json()) as {
      frames: number
    }
    expect(answer.frames).toBe(8)
    await stream.waitForCount(before + 8)
    const injected = stream.events.slice(before)
    for (const event of injected) {
      expect(event.id).toBeUndefined()
      expect(parseFrame(event.event ?? 'message', event.data).ok).toBe(false)
    }
    expect(MALFORMED_FRAMES.length + INVALID_FRAMES.length).toBe(8)
    stream.close()
  })

  it('recycles every stream with a reconnect event', async () => {
    running = await startStub({ faults: true })
    const { url } = running
    const stream = await openRaw(`${url}/api/stream`)
    await stream.waitFor((e) => e.event === 'snapshot')
    await post(`${url}/api/faults/recycle`)
    const goodbye = await stream.waitFor((e) => e.event === 'reconnect')
    expect(JSON.parse(goodbye.data)).toEqual({ reason: 'fault' })
    await stream.waitForEnd()
  })
})
