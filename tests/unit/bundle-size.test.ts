import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildAndMeasure, initialAssets, INITIAL_GZIP_BUDGET_BYTES, type BundleSize } from '../bench/bundleSize'

// Guards the JS and CSS the page loads first against DESIGN.md's budget, 40 kB gzip (39.92 kB on
// 8 December). It also checks the build settings the size depends on (vite.config.ts), which a
// Vite, Vue or Pinia upgrade could silently undo.

describe('initial bundle size', () => {
  let outDir = ''
  let size: BundleSize
  const chunks = new Map<string, string>()
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'radiator-bundle-'))
    size = await buildAndMeasure(outDir)
    for (const name of await readdir(join(outDir, 'assets'))) {
      if (name.endsWith('.js') || name.endsWith('.css')) {
        chunks.set(name, await readFile(join(outDir, 'assets', name), 'utf8'))
      }
    }
  }, 120_000)
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  const entry = () => chunks.get(size.assets.find((a) => a.file.endsWith('.js'))!.file.replace('assets/', ''))!
  const lazy = (prefix: string) =>
    [...chunks].find(([name]) => name.startsWith(`${prefix}-`) && name.endsWith('.js'))?.[1] ?? ''
  const css = () => chunks.get(size.assets.find((a) => a.file.endsWith('.css'))!.file.replace('assets/', ''))!

  it('reads the assets index.html loads first, not lazy chunks', () => {
    const html =
      '<script type="module" crossorigin src="/assets/index-a.js"></script>' +
      '<link rel="modulepreload" crossorigin href="/assets/vendor-b.js">' +
      '<link rel="stylesheet" crossorigin href="/assets/index-c.css">' +
      '<link rel="icon" href="/favicon.svg">'
    expect(initialAssets(html)).toEqual(['assets/index-a.js', 'assets/vendor-b.js', 'assets/index-c.css'])
  })

  it('keeps initial JS+CSS within the budget', () => {
    expect(size.jsGzip).toBeGreaterThan(0)
    expect(size.cssGzip).toBeGreaterThan(0)
    const detail = size.assets.map((a) => `${a.file}: ${a.gzip} B`).join(', ')
    expect(size.totalGzip, `initial JS+CSS gzip (${detail})`).toBeLessThanOrEqual(INITIAL_GZIP_BUDGET_BYTES)
  })

  it('loads later, in chunks of their own, what the first paint does not need', () => {
    for (const prefix of ['LogPanel', 'DebugOverlay', 'selfUpdate', 'persist', 'follow', 'retention', 'filters'])
      expect(lazy(prefix)).not.toBe('')
    // The kiosk's fit and styles, one chunk a kiosk waits for before it mounts, with the rules of
    // what a fitted column keeps and how it counts the rest.
    expect(lazy('kioskColumns')).toContain('more')
    expect(lazy('kioskColumns')).toContain('up to date')
    expect(entry()).not.toContain('up to date')
    expect(lazy('kioskColumns')).toContain('.overflow{')
    expect(css()).not.toContain('.overflow{')
  })

  it("keeps Vite's preload helper out of the entry, the lazy chunks bringing their own styles", () => {
    expect(entry()).not.toContain('vite:preloadError')
    expect(entry()).not.toContain('modulepreload')
    expect(lazy('LogPanel')).toContain('.log-panel{')
    expect(lazy('DebugOverlay')).toContain('.debug{')
    expect(size.assets.filter((a) => a.file.endsWith('.css'))).toHaveLength(1)
  })

  it("ships neither Pinia's devtools file saver nor valibot (its schemas carry ~standard)", () => {
    for (const [name, code] of chunks) {
      if (!name.endsWith('.js')) continue
      expect(code).not.toContain('msSaveOrOpenBlob')
      expect(code).not.toContain('~standard')
    }
  })

  it("ships none of Vue's lifecycle-hook code (the page uses no onMounted or onBeforeUnmount)", () => {
    // Vue keeps each wrapped hook on the callback as `__weh`; with no hook in the page the code goes.
    expect(entry()).not.toContain('__weh')
  })

  it("ships none of Vue's reactive array and collection code (scripts/noReactiveLists.ts)", () => {
    // Names the minifier keeps: a wrapped array method, and the error a reactive list now throws.
    expect(entry()).not.toContain('toSpliced')
    expect(entry()).toContain('reactive list: use shallowRef')
  })

  it('ships no scope ids (no scoped styles)', () => {
    for (const [name, code] of chunks) {
      // A scoped style gives its component an id such as data-v-7dad8313, in its markup and selectors.
      expect(code, name).not.toMatch(/data-v-[0-9a-f]{8}/)
    }
  })

  it('keeps light-dark() as written instead of lowering it to a pair of variables per colour', () => {
    expect(css()).toContain('light-dark(')
    expect(css()).not.toContain('--lightningcss-')
  })

  it('compiles templates without hoisting static props to module constants (vite.config.ts hoistStatic)', () => {
    // Hoisted, each static props object is a constant of its own: `,du={class:`line head`},`.
    expect(entry()).not.toMatch(/[,;]\w+=\{class:`[^`]*`\}[,;]/)
  })
})
