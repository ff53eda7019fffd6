import { join } from 'node:path'
import { buildAndMeasure, INITIAL_GZIP_BUDGET_BYTES } from './bundleSize'
import { metric, type Bench } from './lib/metrics'

// Bundle: gzip size of the JS and CSS the page loads first. The build is deterministic,
// so one run is the median; the build also produces the dist the browser benches load.

export const bundleBench: Bench = {
  name: 'bundle',
  async run(ctx) {
    const size = await buildAndMeasure(ctx.distDir)
    ctx.log(`bundle: ${size.assets.map((a) => `${a.file} ${a.gzip} B gzip`).join(', ')}`)
    const kB = (bytes: number) => bytes / 1000
    return [
      metric(
        'bundle.initial',
        'bundle: initial JS+CSS gzip',
        'kB',
        { op: '<=', limit: kB(INITIAL_GZIP_BUDGET_BYTES) },
        [kB(size.totalGzip)],
      ),
      metric('bundle.js', 'bundle: initial JS gzip', 'kB', null, [kB(size.jsGzip)]),
      metric('bundle.css', 'bundle: initial CSS gzip', 'kB', null, [kB(size.cssGzip)]),
    ]
  },
}

export const distDirFor = (tmpDir: string) => join(tmpDir, 'dist')
