import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import type { Bench, BenchContext, Metric } from './metrics'

// Node-side benches run in a child process of their own: --expose-gc for forced
// collections, and a heap that holds nothing of the other benches.

export const RESULT_PREFIX = 'BENCH_RESULT '
const childMain = resolve(import.meta.dirname, 'childMain.ts')

export interface ChildBench {
  name: string
  /** Module path relative to tests/bench, and the exported Bench in it. */
  module: string
  exportName: string
}

export function inChild(spec: ChildBench): Bench {
  return {
    name: spec.name,
    run: (ctx) => runChild(spec, ctx),
  }
}

function runChild(spec: ChildBench, ctx: BenchContext): Promise<Metric[]> {
  const args = ['--expose-gc', '--import', 'tsx', childMain, spec.module, spec.exportName]
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      BENCH_CONTEXT: JSON.stringify({ quick: ctx.quick, tmpDir: ctx.tmpDir, distDir: ctx.distDir }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  return new Promise((resolveRun, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
      if (code !== 0 || !line) return reject(new Error(`${spec.name} bench exited with ${code}:\n${out.slice(-2000)}`))
      resolveRun(JSON.parse(line.slice(RESULT_PREFIX.length)) as Metric[])
    })
  })
}
