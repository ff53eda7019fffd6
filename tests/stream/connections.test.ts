import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeFrame, type FrameFields } from '../../mocks/server/frames'
import { makeBuild, openRaw, seqOf, sleep, startStub, stateEvents, type RunningStub } from './helpers'

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

describe('many connections', () => {
  it('loses and doubles nothing for 20 clients connecting with resume ids while events are published', async () => {
    running = await startStub({ replayMaxEvents: 100_000 })
    const { url, stub } = running
    for (let i = 1; i <= 50; i++) stub.hub.publish('build', makeBuild(i % 7))
    let published = 50
    const publisher = setInterval(() => {
      for (let i = 0; i < 20; i++) stub.hub.publish('build', makeBuild(++published % 7))
    }, 1)
    const clients = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await sleep(i * 3)
        const from = i % 2 === 0 ? `${stub.hub.epoch}-${5 + i}` : undefined
        return { from, stream: await openRaw(`${url}/api/stream`, from ? { 'Last-Event-ID': from } : {}) }
      }),
    )
    await sleep(50)
    clearInterval(publisher)
    const head = stub.hub.head
    for (const { from, stream } of clients) {
      await stream.waitFor((e) => e.id === `${stub.hub.epoch}-${head}`, 5000)
      const snapshot = stream.events.find((e) => e.event === 'snapshot')
      const start = from ? seqOf(from) : seqOf(snapshot!.id)
      expect(Boolean(snapshot)).toBe(!from)
      const seqs = stateEvents(stream.events).map((e) => seqOf(e.id))
      expect(seqs).toEqual(Array.from({ length: head - start }, (_, k) => start + 1 + k))
      stream.close()
    }
  })

  it('serialises each event once, whatever the number of clients', async () => {
    const encoded: FrameFields[] = []
    const counting = (fields: FrameFields) => {
      encoded.push(fields)
      return encodeFrame(fields)
    }
    running = await startStub({}, { hub: { encode: counting } })
    const { url, stub } = running
    const clients = await Promise.all(Array.from({ length: 25 }, () => openRaw(`${url}/api/stream`)))
    await Promise.all(clients.map((c) => c.waitFor((e) => e.event === 'snapshot')))
    for (let i = 1; i <= 10; i++) stub.hub.publish('build', makeBuild(i))
    await Promise.all(clients.map((c) => c.waitFor((e) => e.id === `${stub.hub.epoch}-10`)))
    expect(encoded.filter((f) => f.event === 'build')).toHaveLength(10)
    // one shared snapshot string too, as nothing was published while they connected
    expect(encoded.filter((f) => f.event === 'snapshot')).toHaveLength(1)
    for (const c of clients) c.close()
  })

  it('leaves no subscriber and no timer behind after 200 connect/disconnect cycles', async () => {
    running = await startStub({ heartbeatMs: 50, recycleMs: 60_000 })
    const { url, stub } = running
    for (let round = 0; round < 20; round++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => openRaw(`${url}/api/stream`)))
      await Promise.all(batch.map((s) => s.waitFor((e) => e.event === 'snapshot')))
      expect(stub.hub.subscriberCount).toBe(10)
      expect(stub.timers.active).toBe(20)
      for (const s of batch) s.close()
      await waitUntil(() => stub.hub.subscriberCount === 0)
    }
    expect(stub.hub.subscriberCount).toBe(0)
    expect(stub.registry.size).toBe(0)
    expect(stub.timers.active).toBe(0)
  })

  it('cuts off a client that stops reading once it owes more than MAX_UNSENT_BYTES, while a reader keeps up', async () => {
    running = await startStub({ maxUnsentBytes: 64 * 1024 })
    const { port, url, stub } = running
    const reader = await openRaw(`${url}/api/stream`)
    await reader.waitFor((e) => e.event === 'snapshot')

    const stalled = connect(port, '127.0.0.1')
    let stalledClosed = false
    stalled.on('close', () => (stalledClosed = true))
    stalled.on('error', () => {})
    await new Promise<void>((r) => stalled.once('connect', () => r()))
    stalled.write('GET /api/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n')
    await waitUntil(() => stub.hub.subscriberCount === 2)
    stalled.pause() // stop reading: bytes pile up in the kernel, then in the server's buffer

    const big = 'x'.repeat(8 * 1024)
    let n = 0
    // small bursts, so the reader (in this same process) never owes more than the cap
    while (stub.hub.subscriberCount === 2 && n < 20_000) {
      for (let i = 0; i < 3; i++)
        stub.hub.publish('build', makeBuild(++n, { commit: { sha: 's', message: big, author: 'a' } }))
      await sleep(1)
    }
    expect(stub.hub.subscriberCount).toBe(1)
    await reader.waitFor((e) => e.id === `${stub.hub.epoch}-${n}`, 10_000)
    const seqs = stateEvents(reader.events).map((e) => seqOf(e.id))
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    expect(stub.registry.size).toBe(1)
    stalled.resume() // the server closed its side: once the client reads to the end, it sees the close
    await waitUntil(() => stalledClosed)
    stalled.destroy()
    reader.close()
  })

  it('cuts off a client that stops reading in the middle of a catch-up, after two heartbeat periods', async () => {
    running = await startStub({ heartbeatMs: 100, replayMaxEvents: 5000 })
    const { port, stub } = running
    const big = 'x'.repeat(8 * 1024)
    for (let i = 0; i < 1000; i++)
      stub.hub.publish('build', makeBuild(i, { commit: { sha: 's', message: big, author: 'a' } }))
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    let closed = false
    socket.on('close', () => (closed = true))
    await new Promise<void>((r) => socket.once('connect', () => r()))
    // Resumes into an 8 MB replay, then never reads: the catch-up waits for a drain that never comes.
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: ${stub.hub.epoch}-0\r\n\r\n`)
    socket.pause()
    await waitUntil(() => stub.registry.size === 1)
    await waitUntil(() => stub.registry.size === 0, 3000)
    expect(stub.hub.subscriberCount).toBe(0)
    expect(stub.timers.active).toBe(0)
    socket.resume()
    await waitUntil(() => closed, 5000)
    socket.destroy()
  })

  it('ends a catching-up client with reconnect (lagging) once the buffer dropped what it still needed', async () => {
    running = await startStub({ replayMaxEvents: 2000 })
    const { port, stub } = running
    const big = 'x'.repeat(8 * 1024)
    const publish = (count: number) => {
      for (let i = 0; i < count; i++)
        stub.hub.publish('build', makeBuild(i, { commit: { sha: 's', message: big, author: 'a' } }))
    }
    publish(2000) // 16 MB to replay: more than the kernel buffers hold
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    let text = ''
    await new Promise<void>((r) => socket.once('connect', () => r()))
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: ${stub.hub.epoch}-0\r\n\r\n`)
    socket.pause()
    await sleep(100)
    publish(2000) // everything the client still needs is evicted
    socket.setEncoding('utf8')
    // the response ends there; the keep-alive connection itself may stay open a while
    const reconnected = new Promise<void>((r) =>
      socket.on('data', (chunk: string) => {
        text = text.slice(-200) + chunk
        if (text.includes('"reason":"lagging"')) r()
      }),
    )
    socket.resume()
    await reconnected
    socket.destroy()
    expect(text).toContain('event: reconnect\ndata: {"reason":"lagging"}\n\n')
    expect(stub.hub.subscriberCount).toBe(0)
  })

  it('delivers a log backlog and state events to a client that follows while catching up', async () => {
    running = await startStub({ replayMaxEvents: 10_000 })
    const { url, stub } = running
    for (let i = 1; i <= 3000; i++) stub.hub.publish('build', makeBuild(i % 50))
    stub.hub.appendLog(
      'b-1',
      Array.from({ length: 3000 }, (_, i) => `line ${i}`),
    )
    const s = await openRaw(`${url}/api/stream`, { 'Last-Event-ID': `${stub.hub.epoch}-0` })
    const hello = await s.waitFor((e) => e.event === 'hello')
    const { connectionId } = JSON.parse(hello.data) as { connectionId: string }
    const res = await fetch(`${url}/api/follow`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionId, buildId: 'b-1' }),
    })
    expect(res.status).toBe(204)
    stub.hub.appendLog('b-1', ['live'])
    stub.hub.publish('build', makeBuild(1))
    await s.waitFor((e) => e.id === `${stub.hub.epoch}-3001`, 5000)
    await s.waitFor((e) => e.event === 'log' && e.data.includes('"live"'), 5000)
    const seqs = stateEvents(s.events).map((e) => seqOf(e.id))
    expect(seqs).toEqual(Array.from({ length: 3001 }, (_, i) => i + 1))
    const lines = s.events
      .filter((e) => e.event === 'log')
      .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
    expect(lines).toEqual([...Array.from({ length: 3000 }, (_, i) => `line ${i}`), 'live'])
    s.close()
  })

  it('replays 10,000 buffered events in order to a resuming client', async () => {
    running = await startStub({ replayMaxEvents: 10_000 })
    const { url, stub } = running
    for (let i = 1; i <= 10_000; i++) stub.hub.publish('build', makeBuild(i % 300))
    const started = performance.now()
    const s = await openRaw(`${url}/api/stream`, { 'Last-Event-ID': `${stub.hub.epoch}-0` })
    await s.waitFor((e) => e.id === `${stub.hub.epoch}-10000`, 10_000)
    const ms = performance.now() - started
    const seqs = stateEvents(s.events).map((e) => seqOf(e.id))
    expect(seqs).toHaveLength(10_000)
    expect(seqs.every((seq, i) => seq === i + 1)).toBe(true)
    console.info(`replay of 10,000 events (${(s.text().length / 1e6).toFixed(1)} MB) took ${ms.toFixed(0)} ms`)
    s.close()
  })
})

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(5)
  }
}
