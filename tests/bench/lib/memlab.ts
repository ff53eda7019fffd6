import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'

// memlab's `analyze unbound-object` on a folder of three heap snapshots (start, middle, end of
// a soak): it lists the objects alive in the first whose retained size changed and ends at 10 KiB
// or more, the 20 largest at the end, with the size in each snapshot. Run
// as `node <memlab's bin>`, not through node_modules/.bin: its shebang needs an install script
// to work on Linux, and the project does not run install scripts it has not allowed (a bare
// `env "node --expose-gc ..."` spins at full CPU instead of failing).

export interface GrowingObject {
  /** memlab's description, e.g. `Map [object](@104651)`. */
  name: string
  /** Retained size in each snapshot, bytes. */
  sizes: number[]
}

// memlab prints sizes in decimal units (its getReadableBytes), "1 byte" for one.
const UNITS: Record<string, number> = { byte: 1, bytes: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }

function bytes(size: string): number {
  const match = /^([\d.]+)\s*(bytes?|KB|MB|GB|TB)$/.exec(size.trim())
  return match ? Number(match[1]) * UNITS[match[2]!]! : Number.NaN
}

/** The objects memlab lists, from its report (`· name:  265.3KB > 372.7KB > 388.3KB`). */
export function parseUnboundObjects(report: string): GrowingObject[] {
  const found: GrowingObject[] = []
  // eslint-disable-next-line no-control-regex -- memlab's progress lines carry terminal escapes
  for (const line of report.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split('\n')) {
    const match = /^· (.+):\s+(\S+(?: bytes?)?(?: > \S+(?: bytes?)?)+)\s*$/.exec(line.trim())
    if (!match) continue
    found.push({ name: match[1]!.trim(), sizes: match[2]!.split(' > ').map(bytes) })
  }
  return found
}

/** Objects that grew from each snapshot to the next: what keeps growing, not what grew once. */
export const keepsGrowing = (objects: GrowingObject[]) =>
  objects.filter((o) => o.sizes.every((size, i) => i === 0 || size > o.sizes[i - 1]!))

export const describeGrowth = (o: GrowingObject) =>
  `${o.name} ${o.sizes.map((s) => `${(s / 1000).toFixed(1)} KB`).join(' > ')}`

export function analyzeUnboundObjects(snapshotDir: string): Promise<GrowingObject[]> {
  const memlab = createRequire(import.meta.url).resolve('memlab/bin/memlab')
  return new Promise((resolveReport, reject) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=4096', memlab, 'analyze', 'unbound-object', '--snapshot-dir', snapshotDir],
      { maxBuffer: 16 * 1024 * 1024, timeout: 5 * 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`memlab failed: ${error.message} ${stderr.slice(-400)}`))
        resolveReport(parseUnboundObjects(stdout + stderr))
      },
    )
  })
}
