import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createParser } from 'eventsource-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { makeBuild, sleep, startStub, type RunningStub } from './helpers'

// Stub hardening: a client that stops reading must cost the others nothing, and connections
// that come and go by the thousand must leave nothing behind. Figures go to the console.

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Heap plus memory outside it (socket write buffers are Buffers, not heap), after collecting. */
function settledHeap(): number {
  for (let i = 0; i < 3; i++) gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.external
}

const MB = 1024 * 1024
const now = () => performance.timeOrigin + performance.now()

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(5)
  }
}

interface TimedReader {
  /** Publish-to-receive latency (ms) of every build, by seq. */
  latencies: Map<number, number>
  closed: boolean
  close(): void
}

/** A reader that stamps each build on arrival against the `sentAt` it carries. */
function timedReader(url: string): Promise<TimedReader> {
  return new Promise((resolve, reject) => {
    const reader: TimedReader = { latencies: new Map(), closed: false, close: () => req.destroy() }
    const parser = createParser({
      onEvent: (event) => {
        if (event.event !== 'build') return
        const { sentAt } = JSON.parse(event.data) as { sentAt: number }
        reader.latencies.set(Number(event.id?.split('-')[1]), now() - sentAt)
      },
    })
    const req = request(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      const decoder = new TextDecoder()
      res.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })))
      res.on('close', () => (reader.closed = true))
      resolve(reader)
    })
    req.on('error', (error) => {
      if (!('code' in error && error.code === 'ECONNRESET')) reject(error)
    })
    req.end()
  })
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN
}

describe('stub hardening', () => {
  it('cuts off a client that stops reading at the cap while 10 readers keep their latency and memory stays flat', async () => {
    const CAP = 1024 * 1024
    // A small replay buffer, so what the heap holds afterwards is not the (bounded) buffer itself.
    running = await startStub({ maxUnsentBytes: CAP, heartbeatMs: 60_000, recycleMs: 0, replayMaxEvents: 200 })
    const { port, url, stub } = running
    const readers = await Promise.all(Array.from({ length: 10 }, () => timedReader(`${url}/api/stream`)))

    const stalled: Socket = connect(port, '127.0.0.1')
    let stalledClosed = false
    stalled.on('close', () => (stalledClosed = true))
    stalled.on('error', () => {})
    await new Promise<void>((r) => stalled.once('connect', () => r()))
    stalled.write('GET /api/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n')
    await waitUntil(() => stub.hub.subscriberCount === 11)
    stalled.pause() // stop reading: the kernel buffers fill, then the stub's own
    const heapBefore = settledHeap()

    const payload = 'x'.repeat(4 * 1024)
    let seq = 0
    let publishedBytes = 0
    let peakHeap = 0
    const publish = () => {
      const build = { ...makeBuild(++seq, { commit: { sha: 's', message: payload, author: 'a' } }), sentAt: now() }
      stub.hub.publish('build', build)
      publishedBytes += payload.length
    }
    // Phase 1: events flow while the stalled client piles up, until the stub cuts it off.
    while (stub.hub.subscriberCount === 11 && seq < 50_000) {
      for (let i = 0; i < 4; i++) publish()
      const usage = process.memoryUsage()
      peakHeap = Math.max(peakHeap, usage.heapUsed + usage.external)
      await sleep(2)
    }
    const cutAtSeq = seq
    expect(stub.hub.subscriberCount, 'the stalled client was cut off').toBe(10)
    expect(stub.registry.size).toBe(10)
    // It owed more than the cap (beyond what the kernel holds for it), not much more.
    expect(publishedBytes).toBeGreaterThan(CAP)

    // Phase 2: the same rate with the stalled client gone.
    const phase2End = cutAtSeq + cutAtSeq
    while (seq < phase2End) {
      for (let i = 0; i < 4; i++) publish()
      await sleep(2)
    }
    await waitUntil(() => readers.every((r) => r.latencies.size === seq))
    const heapAfter = settledHeap()

    const during: number[] = []
    const after: number[] = []
    for (const reader of readers) {
      expect(reader.closed, 'a reader was never cut').toBe(false)
      expect([...reader.latencies.keys()], 'every event, in order').toEqual(
        Array.from({ length: seq }, (_, i) => i + 1),
      )
      for (const [s, ms] of reader.latencies) (s <= cutAtSeq ? during : after).push(ms)
    }
    const figures = {
      cutAfterEvents: cutAtSeq,
      /** Sent to it before the cut: the kernel's socket buffers take most, the stub at most the cap. */
      cutAfterMB: +(publishedBytes / MB).toFixed(2),
      duringP50: +percentile(during, 50).toFixed(1),
      duringP99: +percentile(during, 99).toFixed(1),
      afterP50: +percentile(after, 50).toFixed(1),
      afterP99: +percentile(after, 99).toFixed(1),
      heapBeforeMB: +(heapBefore / MB).toFixed(1),
      heapPeakMB: +(peakHeap / MB).toFixed(1),
      heapAfterMB: +(heapAfter / MB).toFixed(1),
    }
    console.log('stalled client among 10 readers:', JSON.stringify(figures))
    // Flat: the readers never waited for the stalled one (a stub that did would stall them for
    // good), and what the stalled client left behind was released with it. What stays is the
    // bounded replay buffer (200 x 4 kB), the state and the readers' own latency maps.
    expect(figures.duringP99).toBeLessThan(500)
    expect(heapAfter - heapBefore).toBeLessThan(6 * MB)

    stalled.resume()
    await waitUntil(() => stalledClosed)
    stalled.destroy()
    for (const reader of readers) reader.close()
  }, 60_000)

  it('leaves no subscriber, timer, listener or heap growth behind after 10,000 connect/disconnect cycles', async () => {
    running = await startStub({ heartbeatMs: 1000, recycleMs: 60_000 })
    const { port, stub } = running
    stub.hub.publish('build', makeBuild(1))
    const serverListeners = () =>
      ['request', 'connection', 'close', 'error'].map((e) => stub.server.listenerCount(e)).join(',')
    const listenersBefore = serverListeners()

    // One cycle: connect, send the request, read the first bytes (the greeting), hang up.
    const cycle = () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1')
        socket.once('connect', () =>
          socket.write('GET /api/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n'),
        )
        socket.once('data', () => socket.destroy())
        socket.once('close', () => resolve())
        socket.once('error', reject)
      })
    const run = async (cycles: number, parallel: number) => {
      let next = 0
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < cycles) {
            next++
            await cycle()
          }
        }),
      )
      await waitUntil(() => stub.hub.subscriberCount === 0 && stub.registry.size === 0)
    }

    const started = Date.now()
    await run(1000, 20) // warm-up: JIT, pools and caches reach their steady size
    const heapBefore = settledHeap()
    await run(10_000, 20)
    const heapAfter = settledHeap()
    const connections = await new Promise<number>((r, j) => stub.server.getConnections((e, n) => (e ? j(e) : r(n))))
    console.log(
      `10,000 connect/disconnect cycles: ${Date.now() - started} ms (incl. 1,000 warm-up), heap ${(heapBefore / MB).toFixed(1)} -> ${(heapAfter / MB).toFixed(1)} MB`,
    )
    expect(stub.hub.subscriberCount).toBe(0)
    expect(stub.registry.size).toBe(0)
    expect(stub.timers.active).toBe(0)
    expect(connections).toBe(0)
    expect(serverListeners()).toBe(listenersBefore)
    expect(heapAfter - heapBefore).toBeLessThan(2 * MB)
  }, 45_000)
})
