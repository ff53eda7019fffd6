import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from 'vite'
import { buildAndMeasure } from '../bench/bundleSize'

// The production build (what `npm run build` ships) carries no mock code: no MSW, no worker
// file, no in-page simulator, no dev panel. Those load only in `dev` and `dev:mock`.

/** Strings only mock mode or the dev panel contain; none may appear in any built file. */
const MARKERS = [
  'msw',
  'mockServiceWorker',
  'setupWorker',
  '__radiatorMock',
  'MockSession',
  'data-dev-panel',
  'Developer controls',
  '/api/dev/',
  'radiator-dev-panel',
  'dev-mock-public',
]

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

async function markersIn(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const file of await filesUnder(dir)) {
    const text = await readFile(file, 'utf8')
    for (const marker of MARKERS) if (text.includes(marker)) found.push(`${relative(dir, file)}: ${marker}`)
  }
  return found
}

const repoRoot = join(import.meta.dirname, '../..')

describe('production bundle', () => {
  let outDir: string | null = null
  let mockDir: string | null = null
  afterAll(async () => {
    for (const dir of [outDir, mockDir]) if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('the markers are real: a build in mock mode holds them', { timeout: 120_000 }, async () => {
    mockDir = await mkdtemp(join(tmpdir(), 'radiator-mock-build-'))
    await build({
      root: repoRoot,
      configFile: join(repoRoot, 'vite.config.ts'),
      mode: 'mock',
      logLevel: 'silent',
      build: { outDir: mockDir, emptyOutDir: true },
    })
    const found = (await markersIn(mockDir)).join('\n')
    for (const marker of ['setupWorker', 'data-dev-panel', '/api/dev/', '__radiatorMock'])
      expect(found).toContain(marker)
  })

  it('holds no MSW code, no worker file and no dev panel', { timeout: 120_000 }, async () => {
    outDir = await mkdtemp(join(tmpdir(), 'radiator-no-mocks-'))
    await buildAndMeasure(outDir)
    const files = await filesUnder(outDir)
    const names = files.map((f) => relative(outDir!, f))
    expect(names).toContain('index.html')
    expect(names.some((n) => n.endsWith('.js'))).toBe(true)
    expect(names.filter((n) => /mockServiceWorker|msw/i.test(n))).toEqual([])

    expect(await markersIn(outDir)).toEqual([])
  })
})
