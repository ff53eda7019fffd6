import { connect, type Socket } from 'node:net'
import { encodeLatencies, newLatencyHistogram, recordLatencyMs } from './latencyHistogram'

// Load generator for the stub fan-out bench, forked with IPC: holds many SSE streams as raw
// HTTP/1.1 over plain sockets (no HTTP client machinery per chunk, so the generator costs
// little next to the stub), spread over several 127.x.y.z source addresses so no single
// address runs out of ports, and records how long each stamped event took from publish to
// receipt. Connections may be split over several servers (the floor in several processes).

export type FanoutRequest =
  { type: 'open'; urls: string[]; count: number; addresses: string[] } | { type: 'collect' } | { type: 'close' }

export type FanoutReply =
  | { type: 'opened'; open: number; failed: number; ms: number; firstError: string | null }
  /** `latencies`: an encoded HdrHistogram (lib/latencyHistogram.ts). */
  | { type: 'collected'; latencies: string; received: number }
  | { type: 'closed' }

const STAMP = Buffer.from('"benchAt":')
const streams: Socket[] = []
const latencies = newLatencyHistogram()
let received = 0

const epochNow = () => performance.timeOrigin + performance.now()

function isNumberByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2e
}

/** Reads every complete stamp in `data`; returns where an unfinished one starts, if any. */
function readStamps(data: Buffer): number {
  let at = data.indexOf(STAMP)
  while (at !== -1) {
    const start = at + STAMP.length
    let end = start
    while (end < data.length && isNumberByte(data[end]!)) end++
    if (end === data.length) return at
    recordLatencyMs(latencies, epochNow() - Number(data.toString('latin1', start, end)))
    received++
    at = data.indexOf(STAMP, end)
  }
  return -1
}

// Every stream of this process reads into this one buffer (net's `onread`): no buffer is
// allocated per read and no stream machinery runs, so the generator, which shares the cores
// with the server it measures, takes as little of them as it can.
const readBuffer = Buffer.alloc(64 * 1024)

function openOne(url: URL, localAddress: string): Promise<void> {
  return new Promise((resolveOpen, reject) => {
    let greeted = false
    let tail: Buffer | null = null
    const onData = (read: number): void => {
      const chunk = readBuffer.subarray(0, read)
      if (!greeted) {
        greeted = true
        if (!chunk.toString('latin1', 0, 12).startsWith('HTTP/1.1 200'))
          return reject(new Error(chunk.toString('latin1', 0, 40)))
        resolveOpen()
      }
      // A stamp may straddle two reads: keep a copy of its start (or of the last few bytes) for the next one.
      const data = tail ? Buffer.concat([tail, chunk]) : chunk
      const unfinished = readStamps(data)
      tail = Buffer.from(
        unfinished !== -1 ? data.subarray(unfinished) : data.subarray(Math.max(0, data.length - STAMP.length)),
      )
    }
    const socket = connect({
      host: url.hostname,
      port: Number(url.port),
      localAddress,
      onread: { buffer: readBuffer, callback: (read) => (onData(read), true) },
    })
    streams.push(socket)
    socket.setNoDelay(true)
    socket.on('error', reject)
    socket.on('connect', () => {
      socket.write(`GET /api/stream HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`)
    })
  })
}

async function open(urls: string[], count: number, addresses: string[]): Promise<FanoutReply> {
  const started = performance.now()
  const targets = urls.map((url) => new URL(url))
  let failed = 0
  let firstError: string | null = null
  // In waves, so the listen backlog never overflows.
  const wave = 250
  for (let i = 0; i < count; i += wave) {
    const batch: Promise<void>[] = []
    for (let j = i; j < Math.min(count, i + wave); j++)
      batch.push(openOne(targets[j % targets.length]!, addresses[j % addresses.length]!))
    for (const result of await Promise.allSettled(batch)) {
      if (result.status === 'rejected') {
        failed++
        firstError ??= String(result.reason)
      }
    }
  }
  return { type: 'opened', open: count - failed, failed, ms: performance.now() - started, firstError }
}

process.on('message', (raw) => {
  const message = raw as FanoutRequest
  if (message.type === 'open') {
    void open(message.urls, message.count, message.addresses).then((reply) => process.send?.(reply))
  } else if (message.type === 'collect') {
    process.send?.({ type: 'collected', latencies: encodeLatencies(latencies), received } satisfies FanoutReply)
    latencies.reset()
    received = 0
  } else {
    for (const socket of streams) socket.destroy()
    streams.length = 0
    process.send?.({ type: 'closed' } satisfies FanoutReply)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ ready: true })
