import { createServer, type Socket } from 'node:net'
import { pathToFileURL } from 'node:url'
import { encodeFrame } from '../../../mocks/server/frames'

// The floor of the stub fan-out bench: fanning one event out with nothing but node:net. No
// HTTP server, no hub, no per-connection state: one response head per connection, then each
// event as one pre-built buffer written to every socket. The buffer holds the bytes the stub
// writes for the same build event (SSE frame in one HTTP/1.1 chunk), so the load generators
// read and time it exactly as they do the stub. Forked by the bench with IPC (see the end).

export const RESPONSE_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n'

const CRLF = Buffer.from('\r\n')

/** A build event as the stub writes it to a live stream: the SSE frame (id, event, data) as one HTTP/1.1 chunk. */
export function buildEventChunk(id: string, entity: unknown): Buffer {
  const body = Buffer.from(encodeFrame({ id, event: 'build', data: JSON.stringify(entity) }))
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, CRLF])
}

export interface RawFanout {
  url: string
  /** Sockets that have had their response head. */
  readonly connections: number
  /** Writes `chunk` to every connection; returns how many. */
  publish(chunk: Buffer): number
  close(): Promise<void>
}

export async function startRawFanout(host = '127.0.0.1', port = 0): Promise<RawFanout> {
  const live = new Set<Socket>()
  const server = createServer((socket) => {
    socket.setNoDelay(true)
    socket.on('error', () => socket.destroy())
    socket.on('close', () => live.delete(socket))
    let request = ''
    socket.on('data', (data: Buffer) => {
      if (live.has(socket)) return // nothing more is expected after the GET
      request += data.toString('latin1')
      if (!request.includes('\r\n\r\n')) return
      socket.write(RESPONSE_HEAD)
      live.add(socket)
    })
  })
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolveListen())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('raw fan-out server has no port')
  return {
    url: `http://${host}:${address.port}`,
    get connections() {
      return live.size
    },
    publish(chunk) {
      for (const socket of live) socket.write(chunk)
      return live.size
    },
    close() {
      for (const socket of live) socket.destroy()
      return new Promise((resolveClose) => server.close(() => resolveClose()))
    },
  }
}

export type RawFanoutRequest = { type: 'publish'; id: string; entity: unknown } | { type: 'connections' }

export type RawFanoutReply =
  | { type: 'ready'; url: string }
  /** `ms`: from receiving the publish until every write has been handed to the kernel (as the stub's publish figure). */
  | { type: 'published'; sockets: number; ms: number }
  | { type: 'connections'; sockets: number }

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fanout = await startRawFanout()
  const reply = (message: RawFanoutReply) => process.send?.(message)
  process.on('message', (raw) => {
    const message = raw as RawFanoutRequest
    if (message.type === 'connections') return reply({ type: 'connections', sockets: fanout.connections })
    const started = performance.now()
    const sockets = fanout.publish(buildEventChunk(message.id, message.entity))
    setImmediate(() => reply({ type: 'published', sockets, ms: performance.now() - started }))
  })
  process.on('disconnect', () => process.exit(0))
  reply({ type: 'ready', url: fanout.url })
}
