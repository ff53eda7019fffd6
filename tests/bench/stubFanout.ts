import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { request } from 'node:http'
import { resolve } from 'node:path'
import { stampedBuild, epochNow } from './lib/entities'
import type { FanoutReply, FanoutRequest } from './lib/fanoutClient'
import { metric, percentile, sleep, type Bench, type BenchContext, type Metric } from './lib/metrics'
import { ingest, startBenchStub } from './lib/stub'

// Stub fan-out: many concurrent SSE connections held by a load generator in another process,
// one stamped event per second published through POST /api/events; publish-to-receive
// latency, memory per connection and event-loop delay inside the stub. Then the time a
// resuming client takes to receive 1,000 missed events.

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
  const child: ChildProcess = fork(resolve(import.meta.dirname, 'lib/fanoutClient.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((resolveReady, reject) => {
    child.once('message', () => resolveReady())
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)))
  })
  return {
    ask: (req) =>
      new Promise((resolveAsk) => {
        child.once('message', (reply) => resolveAsk(reply as FanoutReply))
        child.send(req)
      }),
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

interface LevelResult {
  connections: number
  p50s: number[]
  p99s: number[]
  delivered: number
  expected: number
  rssPerConnection: number
  heapPerConnection: number
  delayP99: number
  openMs: number
  /** Median time of one publish inside the stub (encode once, write to every connection, flush), ms. */
  publishMs: number
}

async function measureLevel(
  ctx: BenchContext,
  connections: number,
  seconds: number,
  windows: number,
): Promise<LevelResult> {
  const stub = await startBenchStub({ HEARTBEAT_MS: '15000' })
  const generators = await Promise.all(Array.from({ length: GENERATORS }, () => startGenerator()))
  const collect = async () => {
    const replies = await Promise.all(generators.map((g) => g.ask({ type: 'collect' })))
    const latencies: number[] = []
    let received = 0
    for (const reply of replies) {
      if (reply.type !== 'collected') throw new Error('load generator did not answer')
      for (const l of reply.latencies) latencies.push(l)
      received += reply.received
    }
    return { latencies, received }
  }
  try {
    await ingest(
      stub.url,
      Array.from({ length: 20 }, (_, i) => stampedBuild(i)),
    )
    const before = await stub.stats({ gc: true })
    const openStarted = performance.now()
    const share = Math.ceil(connections / generators.length)
    const replies = await Promise.all(
      generators.map((g, i) =>
        g.ask({
          type: 'open',
          url: stub.url,
          count: Math.min(share, connections - i * share),
          addresses: SOURCE_ADDRESSES.filter((_, j) => j % generators.length === i),
        }),
      ),
    )
    const failures = replies.filter((r) => r.type !== 'opened' || r.failed > 0)
    if (failures.length > 0) throw new Error(`not every stream opened: ${JSON.stringify(failures)}`)
    const opened = { ms: performance.now() - openStarted }
    await sleep(1000)
    const after = await stub.stats({ gc: true })
    await collect()
    await stub.resetDelay()
    const p50s: number[] = []
    const p99s: number[] = []
    let delivered = 0
    let n = 100
    // Several windows: each gives one p50/p99, the bench reports their median.
    for (let w = 0; w < windows; w++) {
      const windowSeconds = Math.max(1, Math.round(seconds / windows))
      for (let s = 0; s < windowSeconds; s++) {
        const tick = performance.now()
        await ingest(stub.url, [stampedBuild(n++, { at: epochNow() })])
        await sleep(Math.max(0, 1000 - (performance.now() - tick)))
      }
      await sleep(300)
      const collected = await collect()
      delivered += collected.received
      p50s.push(percentile(collected.latencies, 50) ?? Number.NaN)
      p99s.push(percentile(collected.latencies, 99) ?? Number.NaN)
    }
    const end = await stub.resetDelay()
    const publishMs = percentile(end.publishMs, 50) ?? Number.NaN
    const expected = connections * (n - 100)
    ctx.log(
      `fanout ${connections}: opened in ${(opened.ms / 1000).toFixed(1)} s, p50 ${p50s.map((v) => v.toFixed(1))} ms, ` +
        `p99 ${p99s.map((v) => v.toFixed(1))} ms, delivered ${delivered}/${expected}, ` +
        `rss ${((after.rss - before.rss) / connections / KB).toFixed(1)} KB/conn, heap ${((after.heapUsed - before.heapUsed) / connections / KB).toFixed(1)} KB/conn, ` +
        `loop delay p99 ${end.delayP99.toFixed(1)} ms, publish ${publishMs.toFixed(1)} ms`,
    )
    return {
      connections,
      p50s,
      p99s,
      delivered,
      expected,
      rssPerConnection: (after.rss - before.rss) / connections,
      heapPerConnection: (after.heapUsed - before.heapUsed) / connections,
      delayP99: end.delayP99,
      openMs: opened.ms,
      publishMs,
    }
  } finally {
    await Promise.all(generators.map((g) => g.ask({ type: 'close' }).catch(() => undefined)))
    await Promise.all(generators.map((g) => g.stop()))
    await stub.stop()
  }
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

export const stubFanoutBench: Bench = {
  name: 'fanout',
  async run(ctx) {
    // BENCH_FANOUT_LEVELS=10000 runs one level only (while profiling).
    const levels = process.env.BENCH_FANOUT_LEVELS?.split(',').map(Number) ?? [1000, 5000, 10_000]
    const seconds = ctx.quick ? 3 : 30
    const windows = 3
    const limit = fdLimit()
    const metrics: Metric[] = []
    for (const connections of levels) {
      const id = `fanout.${connections}`
      if (!(limit >= connections + 200)) {
        const why = `ulimit -n is ${limit}; run with ulimit -n ${connections + 1000} or more`
        metrics.push(metric(`${id}.p99`, `fanout ${connections}: publish-to-receive p99`, 'ms', null, [], why))
        continue
      }
      const level = await measureLevel(ctx, connections, seconds, windows)
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
      )
    }
    const replay = await measureReplay(ctx.quick ? 5 : 9)
    ctx.log(`replay 1000: ${replay.map((v) => v.toFixed(1)).join(', ')} ms`)
    metrics.push(metric('fanout.replay', 'stub: replay 1,000 events on resume', 'ms', { op: '<=', limit: 200 }, replay))
    return metrics
  },
}
