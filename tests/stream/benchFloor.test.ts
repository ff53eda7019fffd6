import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { stampedBuild } from '../bench/lib/entities'
import { buildEventChunk, RESPONSE_HEAD, startRawFanout, type RawFanout } from '../bench/lib/rawFanoutServer'
import { startStub, type RunningStub } from './helpers'

// The fan-out bench's floor server must send what the stub sends, or the floor would not be a floor.

let running: RunningStub | null = null
let floor: RawFanout | null = null
const sockets: Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await floor?.close()
  await running?.close()
  floor = null
  running = null
})

/** A raw GET of the stream, as the bench's load generators open it; collects every byte. */
function rawStream(url: string): Promise<{ bytes(): Buffer; until(needle: Buffer): Promise<void> }> {
  const target = new URL(url)
  return new Promise((resolveOpen, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port) })
    sockets.push(socket)
    const chunks: Buffer[] = []
    const waiters = new Set<() => void>()
    socket.on('error', reject)
    socket.on('connect', () => socket.write(`GET /api/stream HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`))
    const stream = {
      bytes: () => Buffer.concat(chunks),
      until: (needle: Buffer) =>
        new Promise<void>((resolveUntil) => {
          const check = () => {
            if (!stream.bytes().includes(needle)) return
            waiters.delete(check)
            resolveUntil()
          }
          waiters.add(check)
          check()
        }),
    }
    socket.on('data', (chunk: Buffer) => {
      if (chunks.push(chunk) === 1) resolveOpen(stream)
      for (const w of [...waiters]) w()
    })
  })
}

describe('fan-out floor server', () => {
  it('writes a build event as the very HTTP chunk the stub writes for it', async () => {
    running = await startStub()
    const stream = await rawStream(running.url)
    await stream.until(Buffer.from('event: snapshot'))
    const item = stampedBuild(7)
    const res = await fetch(`${running.url}/api/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([item]),
    })
    const { lastId } = (await res.json()) as { lastId: string }
    const chunk = buildEventChunk(lastId, item.data)
    await Promise.race([
      stream.until(chunk),
      new Promise((_, reject) => setTimeout(() => reject(new Error(stream.bytes().toString('utf8'))), 2000)),
    ])
    expect(stream.bytes().includes(chunk)).toBe(true)
  })

  it('answers each GET with one chunked event-stream head, then writes every published chunk to every stream', async () => {
    floor = await startRawFanout()
    const streams = await Promise.all([1, 2, 3].map(() => rawStream(floor!.url)))
    await Promise.all(streams.map((s) => s.until(Buffer.from(RESPONSE_HEAD))))
    expect(floor.connections).toBe(3)
    const first = buildEventChunk('e-1', stampedBuild(1).data)
    const second = buildEventChunk('e-2', stampedBuild(2).data)
    expect(floor.publish(first)).toBe(3)
    expect(floor.publish(second)).toBe(3)
    const expected = Buffer.concat([Buffer.from(RESPONSE_HEAD), first, second])
    await Promise.all(streams.map((s) => s.until(second)))
    for (const s of streams) expect(s.bytes().equals(expected)).toBe(true)
    expect(RESPONSE_HEAD.startsWith('HTTP/1.1 200')).toBe(true)
  })
})
