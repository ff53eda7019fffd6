import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { buildAndMeasure } from '../bundleSize'
import type { SimState } from '../../../mocks/scenario/types'
import type { BenchContext } from './metrics'
import { percentile } from './metrics'
import { ingest } from './stub'

// Shared steps of the browser benches: the built page, a stub holding a realistic wall, a
// page that is live, and reading the probe back.

export async function ensureDist(ctx: BenchContext): Promise<void> {
  if (existsSync(join(ctx.distDir, 'index.html'))) return
  ctx.log('building the page for the browser benches')
  await buildAndMeasure(ctx.distDir)
}

/** Publishes the simulator's starting state so every snapshot holds a realistic wall. */
export async function seedWall(url: string, state: SimState): Promise<void> {
  const items = [
    ...state.builds.map((data) => ({ type: 'build', data })),
    ...state.pullRequests.map((data) => ({ type: 'pull_request', data })),
    ...state.deployments.map((data) => ({ type: 'deployment', data })),
  ]
  for (let i = 0; i < items.length; i += 1000) await ingest(url, items.slice(i, i + 1000))
}

export async function openLiveWall(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' })
  await page.waitForSelector('[data-connection="live"]', { timeout: 30_000 })
  await page.waitForSelector('[data-kind][data-id]', { timeout: 30_000 })
}

export interface ProbeData {
  timeOrigin: number
  frames: number[]
  longFrames: { start: number; duration: number }[]
  /** [publish-to-paint ms, receive-to-paint ms, painted at (page ms), 1 if its card was placed (mounted or moved), else 0] */
  samples: [number, number, number, number][]
  received: number
  firstCardAt: number | null
}

export function readProbe(page: Page): Promise<ProbeData> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __bench: Omit<ProbeData, 'timeOrigin'> }).__bench
    return {
      timeOrigin: performance.timeOrigin,
      frames: probe.frames,
      longFrames: probe.longFrames,
      samples: probe.samples,
      received: probe.received,
      firstCardAt: probe.firstCardAt,
    }
  })
}

export const resetProbe = (page: Page) =>
  page.evaluate(() => (window as unknown as { __bench: { reset(): void } }).__bench.reset())

export async function waitForPaint(page: Page, id: string, timeoutMs: number): Promise<number> {
  const handle = await page.waitForFunction(
    (cardId) => (window as unknown as { __bench: { painted: Map<string, number> } }).__bench.painted.get(cardId),
    id,
    { timeout: timeoutMs, polling: 20 },
  )
  return (await handle.jsonValue()) as number
}

export interface WindowFigures {
  fps: number
  framesOver50: number
  longAnimationFrames: number
  longestFrameMs: number
  paintP50: number
  paintP99: number
  receiveToPaintP99: number
  /** Events shown by a card changed where it stood: the page's own speed, without the held order's wait. */
  inPlaceP99: number
  /**
   * From the publisher's stamp (before its POST) to the page's EventSource listener, over the painted
   * events of the window: the stub, the loopback and the page's main thread being busy when one arrives.
   */
  publishToReceiveP99: number
  /** Share of events shown by a card mounted or moved (new, or brought into view by a re-sort), 0-1. */
  placedShare: number
  /** Events shown by a card mounted or moved: mostly the held order's wait for the next re-sort. */
  placedP99: number
  samples: number
}

/** Figures for the page-time window [from, to). */
export function windowFigures(data: ProbeData, from: number, to: number): WindowFigures {
  const frames = data.frames.filter((t) => t >= from && t < to)
  let over50 = 0
  let longest = 0
  for (let i = 1; i < frames.length; i++) {
    const delta = frames[i]! - frames[i - 1]!
    if (delta > 50) over50++
    longest = Math.max(longest, delta)
  }
  const span = frames.length > 1 ? frames[frames.length - 1]! - frames[0]! : Number.NaN
  const samples = data.samples.filter((s) => s[2] >= from && s[2] < to)
  const inPlace = samples.filter((s) => s[3] === 0).map((s) => s[0])
  const placed = samples.filter((s) => s[3] === 1).map((s) => s[0])
  return {
    fps: ((frames.length - 1) / span) * 1000,
    framesOver50: over50,
    longAnimationFrames: data.longFrames.filter((f) => f.start >= from && f.start < to).length,
    longestFrameMs: longest,
    paintP50:
      percentile(
        samples.map((s) => s[0]),
        50,
      ) ?? Number.NaN,
    paintP99:
      percentile(
        samples.map((s) => s[0]),
        99,
      ) ?? Number.NaN,
    receiveToPaintP99:
      percentile(
        samples.map((s) => s[1]),
        99,
      ) ?? Number.NaN,
    inPlaceP99: percentile(inPlace, 99) ?? Number.NaN,
    publishToReceiveP99:
      percentile(
        samples.map((s) => s[0] - s[1]),
        99,
      ) ?? Number.NaN,
    placedShare: samples.length === 0 ? Number.NaN : placed.length / samples.length,
    placedP99: percentile(placed, 99) ?? Number.NaN,
    samples: samples.length,
  }
}
