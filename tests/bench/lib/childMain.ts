import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { RESULT_PREFIX } from './child'
import type { Bench, BenchContext } from './metrics'

// Entry of a bench child process (see child.ts): runs one Bench, prints its metrics as one line.

const [modulePath, exportName] = process.argv.slice(2)
const base = JSON.parse(process.env.BENCH_CONTEXT ?? '{}') as Omit<BenchContext, 'log'>
const ctx: BenchContext = { ...base, log: (message) => console.error(message) }

const mod = (await import(pathToFileURL(resolve(import.meta.dirname, '..', modulePath!)).href)) as Record<string, Bench>
const bench = mod[exportName!]
if (!bench) throw new Error(`${modulePath} exports no ${exportName}`)
const metrics = await bench.run(ctx)
console.log(`${RESULT_PREFIX}${JSON.stringify(metrics)}`)
process.exit(0)
