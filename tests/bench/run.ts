import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { bundleBench } from './bundle'
import { coldStartBench } from './coldStart'
import { chromiumVersion } from './lib/browser'
import { inChild } from './lib/child'
import { summarise, type Bench, type BenchContext, type Metric, type MetricResult } from './lib/metrics'
import { renderTable } from './lib/table'
import { pageLoadBench } from './pageLoad'
import { stubFanoutBench } from './stubFanout'

// `npm run bench [-- --quick] [-- --only=bundle,store,soak,fanout,page,cold]`: every benchmark
// against DESIGN.md's budgets, one table, and tests/bench/results/latest.json.

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')

const benches: Bench[] = [
  bundleBench,
  inChild({ name: 'store', module: 'storeThroughput.ts', exportName: 'storeThroughputBench' }),
  inChild({ name: 'soak', module: 'soak.ts', exportName: 'soakBench' }),
  stubFanoutBench,
  pageLoadBench,
  coldStartBench,
]

function machine() {
  let kernel: string
  try {
    kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim()
  } catch {
    kernel = process.platform
  }
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    chromium: chromiumVersion(),
    kernel,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

async function main(): Promise<void> {
  const tmpDir = mkdtempSync(join(tmpdir(), 'radiator-bench-'))
  const ctx: BenchContext = {
    quick,
    tmpDir,
    distDir: join(tmpDir, 'dist'),
    log: (message) => console.error(`  ${message}`),
  }
  const info = machine()
  const startedAt = new Date().toISOString()
  console.error(`radiator bench${quick ? ' (quick)' : ''}: ${info.nproc} cpu, ${info.memoryGiB} GiB, node ${info.node}`)
  const results: MetricResult[] = []
  const timings: Record<string, { seconds: number; loadAverage: number[] }> = {}
  let failed = false
  try {
    for (const bench of benches) {
      if (only && !only.includes(bench.name)) continue
      console.error(`- ${bench.name}`)
      const started = performance.now()
      let metrics: Metric[]
      try {
        metrics = await bench.run(ctx)
      } catch (error) {
        failed = true
        const why = error instanceof Error ? error.message.split('\n')[0]! : String(error)
        console.error(`  ${bench.name} failed: ${error instanceof Error ? error.stack : error}`)
        metrics = [
          {
            id: `${bench.name}.error`,
            label: `${bench.name}: bench failed`,
            unit: '',
            budget: null,
            runs: [],
            note: why,
          },
        ]
      }
      timings[bench.name] = {
        seconds: Math.round((performance.now() - started) / 100) / 10,
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      }
      results.push(...metrics.map(summarise))
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true })
  }

  console.log(renderTable(results))
  const outDir = resolve(import.meta.dirname, 'results')
  mkdirSync(outDir, { recursive: true })
  const report = { startedAt, finishedAt: new Date().toISOString(), quick, machine: info, timings, metrics: results }
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
  const misses = results.filter((r) => r.pass === false).length
  console.log(
    `\n${misses === 0 && !failed ? 'all budgets hold' : `${misses} budget(s) missed`}; tests/bench/results/latest.json`,
  )
  process.exitCode = misses > 0 || failed ? 1 : 0
}

await main()
