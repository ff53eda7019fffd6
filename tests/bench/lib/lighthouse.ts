import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import lighthouse from 'lighthouse'
import desktopConfig from 'lighthouse/core/config/desktop-config.js'
import { CHROMIUM } from './browser'
import { sleep } from './metrics'

// Lighthouse 12.2 (desktop preset, its simulated throttling) against the system Chromium,
// started here with a debugging port in a profile of its own.

export interface LighthouseFigures {
  lcp: number
  tbt: number
  cls: number
  score: number
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

export async function runLighthouse(url: string): Promise<LighthouseFigures> {
  const port = await freePort()
  const profile = mkdtempSync(join(tmpdir(), 'radiator-lh-'))
  const chrome = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  )
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/json/version`)).ok) break
      } catch {
        if (i > 100) throw new Error('Chromium did not open its debugging port')
      }
      await sleep(100)
    }
    const result = await lighthouse(
      url,
      { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] },
      desktopConfig,
    )
    if (!result) throw new Error('lighthouse returned nothing')
    if (result.lhr.runtimeError) throw new Error(result.lhr.runtimeError.message)
    const audit = (id: string) => result.lhr.audits[id]?.numericValue ?? Number.NaN
    return {
      lcp: audit('largest-contentful-paint'),
      tbt: audit('total-blocking-time'),
      cls: audit('cumulative-layout-shift'),
      score: (result.lhr.categories.performance?.score ?? Number.NaN) * 100,
    }
  } finally {
    const exited = once(chrome, 'exit')
    chrome.kill('SIGTERM')
    await Promise.race([exited, sleep(3000)])
    if (chrome.exitCode === null && chrome.signalCode === null) {
      chrome.kill('SIGKILL')
      await Promise.race([exited, sleep(3000)])
    }
    removeProfile(profile)
  }
}

/**
 * Chromium's helpers can still be writing into the profile for a moment after the browser
 * exits (ENOTEMPTY, seen twice under load, once after ten retries): the figures are measured by
 * then, so a profile that will not go is left in the temp folder with a warning, not a failed bench.
 */
function removeProfile(profile: string): void {
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
  } catch (error) {
    console.warn(`lighthouse: left its Chromium profile at ${profile}: ${String(error)}`)
  }
}
