import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createStubServer } from '../../../mocks/server/app'
import { loadSettings } from '../../../mocks/server/settings'

// The real stub (mocks/server) in a process of its own, forked by the benches with IPC, so
// they can read what only the process itself knows: event-loop delay, heap after a forced
// GC, RSS. Settings come from the environment as for `npm run stub`.

export type StubRequest = { id: number; type: 'stats'; gc?: boolean } | { id: number; type: 'resetDelay' }

export interface StubStats {
  connections: number
  rss: number
  heapUsed: number
  /** Event-loop delay since the last reset, ms. */
  delayP50: number
  delayP99: number
  delayMax: number
  /** How long each hub.publish took (apply, encode, fan-out to every connection), ms, since the last reset. */
  publishMs: number[]
}

const settings = loadSettings(process.env)
const stub = createStubServer(settings)
const { url } = await stub.listen()
const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()

const gc = (globalThis as { gc?: () => void }).gc

// Times the fan-out from inside: publish hands the frame to every live connection synchronously,
// and node:http flushes corked chunks on the next tick; setImmediate runs once all of that is done.
let publishMs: number[] = []
const publish = stub.hub.publish.bind(stub.hub)
stub.hub.publish = (type, entity) => {
  const started = performance.now()
  const id = publish(type, entity)
  setImmediate(() => publishMs.push(performance.now() - started))
  return id
}

function stats(): StubStats {
  const memory = process.memoryUsage()
  return {
    connections: stub.registry.size,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    delayP50: delay.percentile(50) / 1e6,
    delayP99: delay.percentile(99) / 1e6,
    delayMax: delay.max / 1e6,
    publishMs,
  }
}

process.on('message', (raw) => {
  const request = raw as StubRequest
  if (request.type === 'stats' && request.gc && gc) for (let i = 0; i < 3; i++) gc()
  const reply = stats()
  if (request.type === 'resetDelay') {
    delay.reset()
    publishMs = []
  }
  process.send?.({ id: request.id, stats: reply })
})

process.on('SIGTERM', () => {
  void stub.close().then(() => process.exit(0))
  setTimeout(() => process.exit(0), 3000).unref()
})
process.on('disconnect', () => process.exit(0))

process.send?.({ ready: true, url, epoch: stub.hub.epoch })
