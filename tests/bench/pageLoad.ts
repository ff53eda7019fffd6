import type { Browser, CDPSession } from 'playwright-core'
import { launchChromium, probedPage } from './lib/browser'
import { generatePool } from './lib/eventPool'
import { metric, notMeasured, sleep, type Bench, type BenchContext, type Metric } from './lib/metrics'
import {
  ensureDist,
  openLiveWall,
  readProbe,
  resetProbe,
  seedWall,
  waitForPaint,
  windowFigures,
  type WindowFigures,
} from './lib/pageRun'
import { copyOfWall, measurePageFloor, type PageFloor } from './lib/pageFloor'
import { Publisher } from './lib/publisher'
import { startBenchStub } from './lib/stub'
import { CHROMIUM } from './lib/browser'
import { existsSync } from 'node:fs'
import { pageSoak } from './lib/pageSoak'
import { measureTransportFloor, type TransportFloor } from './lib/transportFloor'
import { measureStreamFloor, type StreamFloor } from './lib/streamFloor'

// Page under load: headless Chromium at 1920x1080 on the built page, served by the stub
// (SIM=0) holding a realistic wall; events pushed through POST /api/events at 100, 1,000 and
// 5,000 per second. Frames per second, frames over 50 ms, event-to-paint latency, and how
// long the page takes to catch up after the burst. Then a soak of the page (lib/pageSoak.ts).

const WINDOWS = 3
/** The rate at which the floors are measured after the page. */
const FLOOR_RATE = 1000

interface RateResult {
  rate: number
  windows: WindowFigures[]
  catchUpMs: number
  published: number
  received: number
  /** Share of wall time the renderer's main thread was busy, and how (CPU ms per second). */
  busy: MainThread
  /** The browser's own floor on a static copy of the wall as the run left it (lib/pageFloor.ts), one per run. */
  floor: PageFloor[]
  /** Ingest to a bare EventSource listener at the same rate (lib/transportFloor.ts), with the floor runs. */
  transport: TransportFloor | null
  /** The same stream into the static copy, one card changed per event at the next frame (lib/streamFloor.ts). */
  stream: StreamFloor | null
}

interface MainThread {
  busyPercent: number
  scriptMsPerS: number
  layoutMsPerS: number
  styleMsPerS: number
}

async function mainThreadTimes(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]))
}

/** Main-thread time between two Performance.getMetrics readings: less sensitive to a busy machine than frame rates. */
function mainThread(before: Record<string, number>, after: Record<string, number>, seconds: number): MainThread {
  const perS = (name: string) => ((after[name]! - before[name]!) * 1000) / seconds
  return {
    busyPercent: perS('TaskDuration') / 10,
    scriptMsPerS: perS('ScriptDuration'),
    layoutMsPerS: perS('LayoutDuration'),
    styleMsPerS: perS('RecalcStyleDuration'),
  }
}

async function measureRate(
  ctx: BenchContext,
  browser: Browser,
  url: string,
  publisher: Publisher,
  rate: number,
  seconds: number,
  floorRuns = 0,
): Promise<RateResult> {
  const page = await probedPage(browser)
  try {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    await openLiveWall(page, url)
    await sleep(1500)
    await resetProbe(page)
    const timeOrigin = await page.evaluate(() => performance.timeOrigin)
    const startedAt = await page.evaluate(() => performance.now())
    const timesBefore = await mainThreadTimes(cdp)
    const wallStarted = performance.now()
    const result = await publisher.run(rate, seconds)
    const busy = mainThread(timesBefore, await mainThreadTimes(cdp), (performance.now() - wallStarted) / 1000)
    const marker = await publisher.marker()
    const paintedAt = await waitForPaint(page, marker.id, 60_000)
    const data = await readProbe(page)
    const endedAt = result.endedAt - timeOrigin
    const step = (endedAt - startedAt) / WINDOWS
    const windows = Array.from({ length: WINDOWS }, (_, i) =>
      windowFigures(data, startedAt + i * step, startedAt + (i + 1) * step),
    )
    const catchUpMs = paintedAt - marker.publishedAt
    ctx.log(
      `page ${rate}/s: published ${result.published}, received ${data.received}, painted samples ${data.samples.length}, ` +
        windows
          .map(
            (w) =>
              `fps ${w.fps.toFixed(1)} p50 ${w.paintP50.toFixed(1)} p99 ${w.paintP99.toFixed(1)} ` +
              `(in place ${w.inPlaceP99.toFixed(1)}, to receive ${w.publishToReceiveP99.toFixed(1)}, placed ${(w.placedShare * 100).toFixed(1)}% ${w.placedP99.toFixed(0)}) ` +
              `>50ms ${w.framesOver50}/${w.longAnimationFrames}`,
          )
          .join(' | ') +
        `, catch-up ${catchUpMs.toFixed(0)} ms, main thread ${JSON.stringify(busy)}`,
    )
    const copy = floorRuns > 0 ? await copyOfWall(page) : ''
    const floor = floorRuns > 0 ? await measurePageFloor(page, copy, rate, seconds / WINDOWS, floorRuns) : []
    if (floor.length > 0) {
      ctx.log(
        `page ${rate}/s floor (static copy, ${floor[0]!.perFrame} cards a frame of ${floor[0]!.cards}): ` +
          floor.map((f) => `fps ${f.fps.toFixed(1)} long ${f.longAnimationFrames}`).join(' | '),
      )
    }
    let transport: TransportFloor | null = null
    if (floorRuns > 0) {
      transport = await measureTransportFloor(browser, new URL(url).origin, publisher, rate, seconds / WINDOWS)
      ctx.log(
        `page ${rate}/s transport floor (bare EventSource): ${transport.received} of ${transport.published} events, ` +
          `p50 ${transport.p50.toFixed(1)} p99 ${transport.p99.toFixed(1)} ms`,
      )
    }
    let stream: StreamFloor | null = null
    if (floorRuns > 0) {
      stream = await measureStreamFloor(browser, new URL(url).origin, copy, publisher, rate, seconds / WINDOWS)
      ctx.log(
        `page ${rate}/s stream floor (static copy, a card changed per event at the next frame, ${stream.cards} cards): ` +
          `${stream.painted} of ${stream.published} events painted, p50 ${stream.p50.toFixed(1)} p99 ${stream.p99.toFixed(1)} ms, ` +
          `fps ${stream.fps.toFixed(1)}, long ${stream.longAnimationFrames}`,
      )
    }
    return {
      rate,
      windows,
      catchUpMs,
      published: result.published,
      received: data.received,
      busy,
      floor,
      transport,
      stream,
    }
  } finally {
    await page.context().close()
  }
}

/**
 * Events one rate's run takes from the pool: its windows and, at 1,000/s, the transport and
 * stream floors' window each. The pool must hold them all: sent again from its start, old
 * entities' events would meet cards that moved on, and the probe would pair a card's paint
 * with an event of the pool's previous pass (the 12 and 24 s p99 at 5,000/s until 8 December).
 */
export function eventsTaken(rate: number, seconds: number): number {
  const floorWindows = rate === FLOOR_RATE ? 2 : 0
  // + floorWindows: each floor rounds its own count.
  return Math.ceil(rate * seconds * (1 + floorWindows / WINDOWS)) + floorWindows
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

export const pageLoadBench: Bench = {
  name: 'page',
  async run(ctx) {
    if (!existsSync(CHROMIUM)) return [notMeasured('page', 'page under load', '', null, `no Chromium at ${CHROMIUM}`)]
    await ensureDist(ctx)
    const seconds = ctx.quick ? 5 : 30
    const rates = process.env.BENCH_PAGE_RATES?.split(',').map(Number) ?? [100, 1000, 5000]
    const pool = generatePool(Math.max(...rates.map((rate) => eventsTaken(rate, seconds))))
    // BENCH_PAGE_QUERY=?kiosk measures the wall-screen view instead of the default one.
    const query = process.env.BENCH_PAGE_QUERY ?? ''
    const browser = await launchChromium()
    const metrics: Metric[] = []
    // A fresh stub per rate, seeded alike and fed the same events, so the rates compare.
    const withStub = async <T>(use: (url: string, publisher: Publisher) => Promise<T>, seeded = true): Promise<T> => {
      const stub = await startBenchStub({ STATIC_DIR: ctx.distDir })
      try {
        if (seeded) await seedWall(stub.url, pool.snapshot)
        return await use(`${stub.url}/${query}`, new Publisher(stub.url, pool))
      } finally {
        await stub.stop()
      }
    }
    try {
      for (const rate of rates) {
        const floorRuns = rate === FLOOR_RATE ? WINDOWS : 0
        const r = await withStub((url, publisher) =>
          measureRate(ctx, browser, url, publisher, rate, seconds, floorRuns),
        )
        metrics.push(...rateMetrics(r))
        ctx.log(`page ${rate}/s: median samples per window ${median(r.windows.map((w) => w.samples))}`)
      }
      if (!process.env.BENCH_PAGE_RATES) {
        // The wall screen's own view: it renders only what fits, so fewer cards change per second.
        const kiosk = await withStub((url, publisher) =>
          measureRate(ctx, browser, `${url}${query ? '&' : '?'}kiosk`, publisher, 1000, seconds),
        )
        metrics.push(...kioskMetrics(kiosk))
        // The soak's simulated day seeds the stub with its own starting wall.
        metrics.push(...(await withStub((url) => pageSoak(ctx, browser, url), false)))
      }
    } finally {
      await browser.close()
    }
    return metrics
  },
}

/** The wall view at 1,000 events/s: shown beside the judged default view, not judged itself. */
function kioskMetrics(r: RateResult): Metric[] {
  const label = 'page 1,000/s, wall view (?kiosk)'
  const runs = (pick: (w: WindowFigures) => number) => r.windows.map(pick)
  return [
    metric(
      'page.kiosk.fps',
      `${label}: frames per second`,
      'fps',
      null,
      runs((w) => w.fps),
    ),
    metric(
      'page.kiosk.loaf',
      `${label}: long animation frames > 50 ms`,
      'frames',
      null,
      runs((w) => w.longAnimationFrames),
    ),
    metric(
      'page.kiosk.paintP99',
      `${label}: event-to-paint p99`,
      'ms',
      null,
      runs((w) => w.paintP99),
    ),
  ]
}

function rateMetrics(r: RateResult): Metric[] {
  const { rate } = r
  const label = `page ${rate.toLocaleString('en-US')}/s`
  const at1000 = rate === 1000
  const runs = (pick: (w: WindowFigures) => number) => r.windows.map(pick)
  return [
    metric(
      `page.${rate}.fps`,
      `${label}: frames per second`,
      'fps',
      at1000 ? { op: '>=', limit: 59 } : null,
      runs((w) => w.fps),
    ),
    metric(
      `page.${rate}.loaf`,
      `${label}: long animation frames > 50 ms`,
      'frames',
      at1000 ? { op: '<=', limit: 0 } : null,
      runs((w) => w.longAnimationFrames),
    ),
    metric(
      `page.${rate}.over50`,
      `${label}: rAF gaps > 50 ms`,
      'frames',
      null,
      runs((w) => w.framesOver50),
    ),
    metric(
      `page.${rate}.longest`,
      `${label}: longest frame`,
      'ms',
      null,
      runs((w) => w.longestFrameMs),
    ),
    metric(
      `page.${rate}.paintP50`,
      `${label}: event-to-paint p50`,
      'ms',
      null,
      runs((w) => w.paintP50),
    ),
    metric(
      `page.${rate}.paintP99`,
      `${label}: event-to-paint p99`,
      'ms',
      at1000 ? { op: '<=', limit: 35 } : null,
      runs((w) => w.paintP99),
    ),
    metric(
      `page.${rate}.inPlaceP99`,
      `${label}: event-to-paint p99, cards changed where they stood`,
      'ms',
      null,
      runs((w) => w.inPlaceP99),
    ),
    metric(
      `page.${rate}.placedShare`,
      `${label}: events shown by a card mounted or moved (new, or a re-sort brought it)`,
      '%',
      null,
      runs((w) => w.placedShare * 100),
    ),
    metric(
      `page.${rate}.placedP99`,
      `${label}: event-to-paint p99, cards mounted or moved`,
      'ms',
      null,
      runs((w) => w.placedP99),
    ),
    metric(
      `page.${rate}.catchUp`,
      `${label}: catch-up after the burst`,
      'ms',
      rate === 5000 ? { op: '<=', limit: 1000 } : null,
      [r.catchUpMs],
    ),
    ...(r.floor.length === 0
      ? []
      : [
          metric(
            `page.${rate}.floorFps`,
            `${label}: floor, a static copy of the wall with ${r.floor[0]!.perFrame} card changes a frame: fps`,
            'fps',
            null,
            r.floor.map((f) => f.fps),
          ),
          metric(
            `page.${rate}.floorLoaf`,
            `${label}: floor: long animation frames > 50 ms`,
            'frames',
            null,
            r.floor.map((f) => f.longAnimationFrames),
          ),
        ]),
    ...(r.transport === null
      ? []
      : [
          metric(
            `page.${rate}.transportP99`,
            `${label}: floor: publish to a bare EventSource listener p99`,
            'ms',
            null,
            [r.transport.p99],
          ),
        ]),
    ...(r.stream === null
      ? []
      : [
          metric(
            `page.${rate}.streamFloorP99`,
            `${label}: floor: event-to-paint p99 with a card changed per event and no app`,
            'ms',
            null,
            [r.stream.p99],
          ),
          metric(
            `page.${rate}.streamFloorFps`,
            `${label}: floor: frames per second with a card changed per event and no app`,
            'fps',
            null,
            [r.stream.fps],
          ),
        ]),
    metric(`page.${rate}.busy`, `${label}: renderer main thread busy`, '%', null, [r.busy.busyPercent]),
    metric(`page.${rate}.script`, `${label}: main-thread script`, 'ms/s', null, [r.busy.scriptMsPerS]),
    metric(`page.${rate}.layout`, `${label}: main-thread layout+style`, 'ms/s', null, [
      r.busy.layoutMsPerS + r.busy.styleMsPerS,
    ]),
  ]
}
