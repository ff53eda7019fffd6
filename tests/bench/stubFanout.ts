import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { request } from 'node:http'
import { resolve } from 'node:path'
import { stampedBuild, epochNow } from './lib/entities'
import type { FanoutReply, FanoutRequest } from './lib/fanoutClient'
import type { RawFanoutReply, RawFanoutRequest } from './lib/rawFanoutServer'
import { median, metric, percentile, sleep, type Bench, type BenchContext, type Metric } from './lib/metrics'
import { summariseLatencies } from './lib/latencyHistogram'
import { ingest, startBenchStub } from './lib/stub'

// Stub fan-out: many concurrent SSE connections held by a load generator in another process,
// one stamped event per second published through POST /api/events; publish-to-receive
// latency, memory per connection and event-loop delay inside the stub. Then the time a
// resuming client takes to receive 1,000 missed events. Next to the stub, the floor: the same
// load against a bare node:net server writing the same bytes (lib/rawFanoutServer.ts), in one
// process and, at 10,000, in two; what fan-out costs on this machine with no HTTP server at all.

const SOURCE_ADDRESSES = Array.from({ length: 10 }, (_, i) => `127.0.${1 + i}.1`)
const KB = 1024

function fdLimit(): number {
  try {
    return Number(execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim())
  } catch {
    return Number.NaN
  }
}

interface Generator {
  ask(req: FanoutRequest): Promise<FanoutReply>
  stop(): Promise<void>
}

/** Load generator processes: one per core, so reading the streams does not queue behind one event loop. */
const GENERATORS = Math.max(1, Math.min(4, cpus().length))

async function startGenerator(): Promise<Generator> {
  const { child } = await forkReady('lib/fanoutClient.ts')
  return {
    ask: (req) =>
      new Promise((resolveAsk) => {
        child.once('message', (reply) => resolveAsk(reply as FanoutReply))
        child.send(req)
      }),
    stop: () => stopChild(child),
  }
}

/** Forks a bench module with IPC and resolves once it has said it is ready (its first message). */
async function forkReady<T>(module: string): Promise<{ child: ChildProcess; ready: T }> {
  const child: ChildProcess = fork(resolve(import.meta.dirname, module), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise<T>((resolveReady, reject) => {
    child.once('message', (m) => resolveReady(m as T))
    child.once('exit', (code) => reject(new Error(`${module} exited with ${code}`)))
  })
  return { child, ready }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

/** The floor: one `lib/rawFanoutServer.ts` process. */
interface FloorServer {
  url: string
  /** Resolves with how many streams it wrote to and how long writing took in there. */
  publish(id: string, entity: unknown): Promise<{ sockets: number; ms: number }>
  /** Streams it holds (closed ones leave it a moment after the generators drop them). */
  connections(): Promise<number>
  stop(): Promise<void>
}

async function startFloorServer(): Promise<FloorServer> {
  const { child, ready } = await forkReady<RawFanoutReply>('lib/rawFanoutServer.ts')
  if (ready.type !== 'ready') throw new Error('floor server did not start')
  const ask = <T extends RawFanoutReply['type']>(req: RawFanoutRequest, type: T) =>
    new Promise<Extract<RawFanoutReply, { type: T }>>((resolveAsk, reject) => {
      child.once('message', (reply: RawFanoutReply) =>
        reply.type === type
          ? resolveAsk(reply as Extract<RawFanoutReply, { type: T }>)
          : reject(new Error(`floor server answered ${reply.type} to ${req.type}`)),
      )
      child.send(req)
    })
  return {
    url: ready.url,
    publish: (id, entity) => ask({ type: 'publish', id, entity }, 'published'),
    connections: async () => (await ask({ type: 'connections' }, 'connections')).sockets,
    stop: () => stopChild(child),
  }
}

interface Latencies {
  p50s: number[]
  p99s: number[]
  delivered: number
  expected: number
  openMs: number
}

interface LevelResult extends Latencies {
  connections: number
  rssPerConnection: number
  heapPerConnection: number
  delayP99: number
  /** Median time of one publish inside the stub (encode once, write to every connection, flush), ms. */
  publishMs: number
  floor: FloorResult
  /** The floor in two processes, each holding half the streams (10,000 only). */
  floor2: FloorResult | null
}

interface FloorResult extends Latencies {
  /** Median time to write one event to every stream (slowest process), ms. */
  publishMs: number
}

interface Windows {
  seconds: number
  windows: number
}

/** The load generators, one per core, shared by every run (stub and floor) of every level. */
function loadGenerators(generators: Generator[]) {
  const collect = async () => {
    const replies = await Promise.all(generators.map((g) => g.ask({ type: 'collect' })))
    const encoded: string[] = []
    let received = 0
    for (const reply of replies) {
      if (reply.type !== 'collected') throw new Error('load generator did not answer')
      encoded.push(reply.latencies)
      received += reply.received
    }
    return { latencies: summariseLatencies(encoded), received }
  }
  return {
    collect,
    /** Opens `connections` streams, split evenly over the generators and, within each, over `urls`. */
    async open(urls: string[], connections: number): Promise<number> {
      const started = performance.now()
      const share = Math.ceil(connections / generators.length)
      const replies = await Promise.all(
        generators.map((g, i) =>
          g.ask({
            type: 'open',
            urls,
            count: Math.min(share, connections - i * share),
            addresses: SOURCE_ADDRESSES.filter((_, j) => j % generators.length === i),
          }),
        ),
      )
      const failures = replies.filter((r) => r.type !== 'opened' || r.failed > 0)
      if (failures.length > 0) throw new Error(`not every stream opened: ${JSON.stringify(failures)}`)
      return performance.now() - started
    },
    /**
     * One event per second through `publish`, stamped when it is called; several windows, each
     * giving one p50/p99 of every (event, stream) pair (the bench reports their median).
     */
    async measure(connections: number, { seconds, windows }: Windows, publish: (n: number) => Promise<void>) {
      await collect() // drops stamps read while opening (the stub's snapshot carries some)
      const p50s: number[] = []
      const p99s: number[] = []
      let delivered = 0
      let n = 100
      for (let w = 0; w < windows; w++) {
        const windowSeconds = Math.max(1, Math.round(seconds / windows))
        for (let s = 0; s < windowSeconds; s++) {
          const tick = performance.now()
          await publish(n++)
          await sleep(Math.max(0, 1000 - (performance.now() - tick)))
        }
        await sleep(300)
        const collected = await collect()
        delivered += collected.received
        p50s.push(collected.latencies.p50)
        p99s.push(collected.latencies.p99)
      }
      return { p50s, p99s, delivered, expected: connections * (n - 100) }
    },
    close: () => Promise.all(generators.map((g) => g.ask({ type: 'close' }).catch(() => undefined))),
  }
}

type Load = ReturnType<typeof loadGenerators>

const describe = (l: Latencies) =>
  `opened in ${(l.openMs / 1000).toFixed(1)} s, p50 ${l.p50s.map((v) => v.toFixed(1))} ms, ` +
  `p99 ${l.p99s.map((v) => v.toFixed(1))} ms, delivered ${l.delivered}/${l.expected}`

async function measureStub(ctx: BenchContext, load: Load, connections: number, windows: Windows) {
  const stub = await startBenchStub({ HEARTBEAT_MS: '15000' })
  try {
    await ingest(
      stub.url,
      Array.from({ length: 20 }, (_, i) => stampedBuild(i)),
    )
    const before = await stub.stats({ gc: true })
    const openMs = await load.open([stub.url], connections)
    await sleep(1000)
    const after = await stub.stats({ gc: true })
    await stub.resetDelay()
    const latencies = await load.measure(connections, windows, async (n) => {
      await ingest(stub.url, [stampedBuild(n, { at: epochNow() })])
    })
    const end = await stub.resetDelay()
    const publishMs = percentile(end.publishMs, 50) ?? Number.NaN
    const result = {
      ...latencies,
      openMs,
      rssPerConnection: (after.rss - before.rss) / connections,
      heapPerConnection: (after.heapUsed - before.heapUsed) / connections,
      delayP99: end.delayP99,
      publishMs,
    }
    ctx.log(
      `fanout ${connections}: ${describe(result)}, ` +
        `rss ${(result.rssPerConnection / KB).toFixed(1)} KB/conn, heap ${(result.heapPerConnection / KB).toFixed(1)} KB/conn, ` +
        `loop delay p99 ${end.delayP99.toFixed(1)} ms, publish ${publishMs.toFixed(1)} ms`,
    )
    return result
  } finally {
    await load.close()
    await stub.stop()
  }
}

/** The same streams, stamps and windows against the bare node:net server, the streams split over `servers`. */
async function measureFloor(
  ctx: BenchContext,
  load: Load,
  connections: number,
  windows: Windows,
  servers: FloorServer[],
): Promise<FloorResult> {
  const started = performance.now()
  // The previous run's streams must be gone, or the writes would count them.
  for (let waited = 0; (await Promise.all(servers.map((s) => s.connections()))).some((n) => n > 0); waited += 50) {
    if (waited > 10_000) throw new Error('the floor servers still hold streams from the previous run')
    await sleep(50)
  }
  try {
    const openMs = await load.open(
      servers.map((s) => s.url),
      connections,
    )
    await sleep(200)
    const writeMs: number[] = []
    const latencies = await load.measure(connections, windows, async (n) => {
      const { data } = stampedBuild(n, { at: epochNow() })
      // An id of the stub's shape: 6-character epoch, seq counting after the 20 events the stub is seeded with.
      const published = await Promise.all(servers.map((s) => s.publish(`floor0-${n - 79}`, data)))
      const sockets = published.reduce((sum, p) => sum + p.sockets, 0)
      if (sockets !== connections) throw new Error(`floor wrote to ${sockets} of ${connections} streams`)
      writeMs.push(Math.max(...published.map((p) => p.ms)))
    })
    const result = { ...latencies, openMs, publishMs: percentile(writeMs, 50) ?? Number.NaN }
    ctx.log(
      `fanout ${connections} floor (${servers.length} process${servers.length > 1 ? 'es' : ''}): ${describe(result)}, ` +
        `write to every socket ${result.publishMs.toFixed(1)} ms; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
    )
    return result
  } finally {
    await load.close()
  }
}

/** The stub, then the floor in one process, then (10,000 only) the floor in two, on the same load generators. */
async function measureLevel(
  ctx: BenchContext,
  load: Load,
  floors: FloorServer[],
  connections: number,
  windows: Windows,
): Promise<LevelResult> {
  const stub = await measureStub(ctx, load, connections, windows)
  const floor = await measureFloor(ctx, load, connections, windows, floors.slice(0, 1))
  const floor2 = connections === 10_000 ? await measureFloor(ctx, load, connections, windows, floors) : null
  return { connections, ...stub, floor, floor2 }
}

/** Resumes from 1,000 events back and times until the last one has arrived. */
function timeReplay(url: string, lastEventId: string, lastId: string): Promise<number> {
  return new Promise((resolveReplay, reject) => {
    const started = performance.now()
    const req = request(`${url}/api/stream`, { headers: { 'Last-Event-ID': lastEventId }, agent: false }, (res) => {
      res.setEncoding('latin1')
      let seen = ''
      res.on('data', (chunk: string) => {
        seen = (seen + chunk).slice(-4096)
        if (seen.includes(`id: ${lastId}\n`)) {
          const ms = performance.now() - started
          res.destroy()
          resolveReplay(ms)
        }
      })
    })
    req.on('error', reject)
    req.end()
  })
}

async function measureReplay(runs: number): Promise<number[]> {
  const stub = await startBenchStub()
  try {
    const first = await ingest(
      stub.url,
      Array.from({ length: 1000 }, (_, i) => stampedBuild(i)),
    )
    const lastId = await ingest(
      stub.url,
      Array.from({ length: 1000 }, (_, i) => stampedBuild(1000 + i)),
    )
    const times: number[] = []
    await timeReplay(stub.url, first, lastId) // warm-up
    for (let r = 0; r < runs; r++) times.push(await timeReplay(stub.url, first, lastId))
    return times
  } finally {
    await stub.stop()
  }
}

/** Informational rows: what the same load gets from a bare node:net fan-out on this machine. */
function floorMetrics(id: string, label: string, floor: FloorResult): Metric[] {
  const note =
    floor.delivered === floor.expected ? undefined : `delivered ${floor.delivered} of ${floor.expected} stamped events`
  return [
    metric(`${id}.p50`, `${label} p50`, 'ms', null, floor.p50s),
    metric(`${id}.p99`, `${label} p99`, 'ms', null, floor.p99s, note),
    metric(`${id}.write`, `${label}: time to write one event to every socket`, 'ms', null, [floor.publishMs]),
  ]
}

export const stubFanoutBench: Bench = {
  name: 'fanout',
  async run(ctx) {
    // BENCH_FANOUT_LEVELS=10000 runs one level only (while profiling).
    const levels = process.env.BENCH_FANOUT_LEVELS?.split(',').map(Number) ?? [1000, 5000, 10_000]
    const windows: Windows = { seconds: ctx.quick ? 3 : 30, windows: 3 }
    const limit = fdLimit()
    const metrics: Metric[] = []
    // Started once for every level: each holds no state once its streams are closed.
    const generatorsStarting = Array.from({ length: GENERATORS }, () => startGenerator())
    const floorsStarting = [startFloorServer(), startFloorServer()]
    const children = await Promise.allSettled([...generatorsStarting, ...floorsStarting])
    try {
      const load = loadGenerators(await Promise.all(generatorsStarting))
      const floors = await Promise.all(floorsStarting)
      for (const connections of levels) {
        const id = `fanout.${connections}`
        if (!(limit >= connections + 200)) {
          const why = `ulimit -n is ${limit}; run with ulimit -n ${connections + 1000} or more`
          metrics.push(metric(`${id}.p99`, `fanout ${connections}: publish-to-receive p99`, 'ms', null, [], why))
          continue
        }
        const level = await measureLevel(ctx, load, floors, connections, windows)
        const label = `fanout ${connections.toLocaleString('en-US')}`
        const is10k = connections === 10_000
        metrics.push(
          metric(`${id}.p50`, `${label}: publish-to-receive p50`, 'ms', null, level.p50s),
          metric(
            `${id}.p99`,
            `${label}: publish-to-receive p99`,
            'ms',
            is10k ? { op: '<=', limit: 100 } : null,
            level.p99s,
          ),
          metric(`${id}.delivered`, `${label}: events delivered`, '%', { op: '>=', limit: 100 }, [
            (100 * level.delivered) / level.expected,
          ]),
          metric(`${id}.memory`, `${label}: stub RSS per connection`, 'KB', is10k ? { op: '<=', limit: 32 } : null, [
            level.rssPerConnection / KB,
          ]),
          metric(`${id}.heap`, `${label}: stub JS heap per connection`, 'KB', null, [level.heapPerConnection / KB]),
          metric(`${id}.loopDelay`, `${label}: stub event-loop delay p99`, 'ms', null, [level.delayP99]),
          metric(`${id}.publish`, `${label}: stub time to fan one event out and flush`, 'ms', null, [level.publishMs]),
          ...floorMetrics(`${id}.floor`, `${label}: floor (bare TCP, no HTTP server)`, level.floor),
          metric(`${id}.floor.ratio`, `${label}: stub p99 / floor p99`, 'x', null, [
            median(level.p99s)! / median(level.floor.p99s)!,
          ]),
          ...(level.floor2
            ? floorMetrics(`${id}.floor2`, `${label}: floor in 2 processes (half the sockets each)`, level.floor2)
            : []),
        )
      }
    } finally {
      await Promise.all(children.map((c) => (c.status === 'fulfilled' ? c.value.stop() : undefined)))
    }
    const replay = await measureReplay(ctx.quick ? 5 : 9)
    ctx.log(`replay 1000: ${replay.map((v) => v.toFixed(1)).join(', ')} ms`)
    metrics.push(metric('fanout.replay', 'stub: replay 1,000 events on resume', 'ms', { op: '<=', limit: 200 }, replay))
    return metrics
  },
}
