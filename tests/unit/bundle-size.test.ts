import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildAndMeasure, initialAssets, INITIAL_GZIP_CEILING_BYTES } from '../bench/bundleSize'

// Guards the JS and CSS the page loads first. DESIGN.md's budget is 40 kB gzip; the page is at
// 47.2 kB today, so this holds it to a ceiling just above that (a ratchet) until it meets the
// budget, and `npm run bench` reports the budget itself as failing.

describe('initial bundle size', () => {
  let outDir: string | null = null
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  it('reads the assets index.html loads first, not lazy chunks', () => {
    const html =
      '<script type="module" crossorigin src="/assets/index-a.js"></script>' +
      '<link rel="modulepreload" crossorigin href="/assets/vendor-b.js">' +
      '<link rel="stylesheet" crossorigin href="/assets/index-c.css">' +
      '<link rel="icon" href="/favicon.svg">'
    expect(initialAssets(html)).toEqual(['assets/index-a.js', 'assets/vendor-b.js', 'assets/index-c.css'])
  })

  it('keeps initial JS+CSS under the ratchet ceiling', { timeout: 120_000 }, async () => {
    outDir = await mkdtemp(join(tmpdir(), 'radiator-bundle-'))
    const size = await buildAndMeasure(outDir)
    expect(size.jsGzip).toBeGreaterThan(0)
    expect(size.cssGzip).toBeGreaterThan(0)
    const detail = size.assets.map((a) => `${a.file}: ${a.gzip} B`).join(', ')
    expect(size.totalGzip, `initial JS+CSS gzip (${detail})`).toBeLessThanOrEqual(INITIAL_GZIP_CEILING_BYTES)
  })
})
