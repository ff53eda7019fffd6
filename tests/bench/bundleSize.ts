import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'

// The page's first load: the entry script, the stylesheets and modulepreloads index.html
// names. Lazy chunks (imported later with import()) are not part of it.

/** DESIGN.md budget for initial JS+CSS, gzip, in bytes (kB as Vite prints it: 1 kB = 1,000 bytes). */
export const INITIAL_GZIP_BUDGET_BYTES = 40_000

export interface AssetSize {
  file: string
  bytes: number
  gzip: number
}

export interface BundleSize {
  assets: AssetSize[]
  jsGzip: number
  cssGzip: number
  totalGzip: number
}

const repoRoot = resolve(import.meta.dirname, '../..')

/** Asset paths index.html loads on its own: module scripts, stylesheets, modulepreloads. */
export function initialAssets(html: string): string[] {
  const found = new Set<string>()
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const src = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1]
    if (!src || /^https?:/.test(src)) continue
    const isScript = tag.startsWith('<script') && /type="module"/.test(tag)
    const isStyle = /rel="stylesheet"/.test(tag)
    const isPreload = /rel="modulepreload"/.test(tag)
    if (isScript || isStyle || isPreload) found.add(src.replace(/^\//, ''))
  }
  return [...found]
}

/** Builds the page into `outDir` with the project's vite.config.ts and measures what loads first. */
export async function buildAndMeasure(outDir: string): Promise<BundleSize> {
  // Under vitest NODE_ENV is 'test', which Vite would bake in: Vue's dev build, not what ships.
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({
      root: repoRoot,
      configFile: join(repoRoot, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    })
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
  }
  return measureDist(outDir)
}

export async function measureDist(outDir: string): Promise<BundleSize> {
  const html = await readFile(join(outDir, 'index.html'), 'utf8')
  const assets: AssetSize[] = []
  for (const file of initialAssets(html)) {
    const content = await readFile(join(outDir, file))
    assets.push({ file, bytes: content.length, gzip: gzipSync(content).length })
  }
  const sum = (ext: string) => assets.filter((a) => a.file.endsWith(ext)).reduce((s, a) => s + a.gzip, 0)
  const jsGzip = sum('.js')
  const cssGzip = sum('.css')
  return { assets, jsGzip, cssGzip, totalGzip: jsGzip + cssGzip }
}
