import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import type { StubRequest, StubStats } from './stubProcess'

// Starts mocks/server in a child process (see stubProcess.ts) and talks to it.

export interface BenchStub {
  url: string
  epoch: string
  pid: number
  stats(options?: { gc?: boolean }): Promise<StubStats>
  resetDelay(): Promise<StubStats>
  stop(): Promise<void>
}

export async function startBenchStub(env: Record<string, string> = {}): Promise<BenchStub> {
  const child: ChildProcess = fork(resolve(import.meta.dirname, 'stubProcess.ts'), [], {
    // BENCH_STUB_PROFILE=<dir> writes a CPU profile of the stub process there (finding why a budget is missed).
    execArgv: [
      '--expose-gc',
      '--import',
      'tsx',
      ...(process.env.BENCH_STUB_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_STUB_PROFILE}`] : []),
    ],
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SIM: '0', RECYCLE_MS: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const pending = new Map<number, (stats: StubStats) => void>()
  let nextId = 1
  const ready = new Promise<{ url: string; epoch: string }>((resolveReady, reject) => {
    child.once('exit', (code) => reject(new Error(`bench stub exited with ${code}`)))
    child.on(
      'message',
      (message: { ready?: boolean; url?: string; epoch?: string; id?: number; stats?: StubStats }) => {
        if (message.ready) resolveReady({ url: message.url!, epoch: message.epoch! })
        else if (message.id !== undefined) {
          pending.get(message.id)?.(message.stats!)
          pending.delete(message.id)
        }
      },
    )
  })
  const { url, epoch } = await ready
  type Request = StubRequest extends infer R ? (R extends StubRequest ? Omit<R, 'id'> : never) : never
  const ask = (request: Request) =>
    new Promise<StubStats>((resolveAsk) => {
      const id = nextId++
      pending.set(id, resolveAsk)
      child.send({ ...request, id })
    })
  return {
    url,
    epoch,
    pid: child.pid!,
    stats: (o = {}) => ask({ type: 'stats', gc: o.gc ?? false }),
    resetDelay: () => ask({ type: 'resetDelay' }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** POSTs events to the stub's ingest; returns the last id. */
export async function ingest(url: string, items: unknown[]): Promise<string> {
  const res = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(items),
  })
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { lastId: string }).lastId
}
