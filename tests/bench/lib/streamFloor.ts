import type { Browser } from 'playwright-core'
import { plainPage } from './browser'
import { withCardChange } from './browserScript'
import { percentile, sleep } from './metrics'
import type { Publisher } from './publisher'

// The floor under the page's event-to-paint: the same publisher at the same rate into a static
// copy of the wall (the page floor's copy, no scripts) whose only script changes one card per
// event at the next frame (lib/streamFloor.browser.js). It adds to the transport floor what no
// page can skip, the wait for a frame and the rendering of the changes, and nothing of the
// page's own work (parse, store, Vue, re-sorts). A page cannot beat its p99.

export interface StreamFloor {
  p50: number
  p99: number
  fps: number
  longAnimationFrames: number
  cards: number
  painted: number
  published: number
}

interface FloorWindow {
  __streamFloor: {
    reset(): void
    source: EventSource
    state: { samples: number[]; frames: number; received: number; longFrames: number }
  }
}

/** `html` is the page floor's static copy (lib/pageFloor.ts, copyOfWall), loaded at the stub's origin. */
export async function measureStreamFloor(
  browser: Browser,
  streamOrigin: string,
  html: string,
  publisher: Publisher,
  rate: number,
  seconds: number,
): Promise<StreamFloor> {
  const page = await plainPage(browser)
  try {
    // Same origin as the stream, so the copy's EventSource needs no CORS.
    await page.goto(`${streamOrigin}/api/health`)
    await page.evaluate((markup) => {
      document.open()
      document.write(markup)
      document.close()
    }, html)
    await page.waitForFunction(
      () => [...document.querySelectorAll('link[rel="stylesheet"]')].every((l) => (l as HTMLLinkElement).sheet),
      null,
      { timeout: 10_000 },
    )
    const cards = (await page.evaluate(withCardChange('streamFloor.browser.js'))) as number
    await sleep(500)
    await page.evaluate(() => (window as unknown as FloorWindow).__streamFloor.reset())
    const startedAt = performance.now()
    const { published } = await publisher.run(rate, seconds)
    const elapsedS = (performance.now() - startedAt) / 1000
    const frames = await page.evaluate(() => (window as unknown as FloorWindow).__streamFloor.state.frames)
    // Every event, however late: one cut off by a deadline would bias the p99 low.
    await page
      .waitForFunction(
        (count) => (window as unknown as FloorWindow).__streamFloor.state.samples.length >= count,
        published,
        { timeout: 30_000, polling: 50 },
      )
      .catch(() => undefined)
    const state = await page.evaluate(() => {
      const floor = (window as unknown as FloorWindow).__streamFloor
      floor.source.close()
      return floor.state
    })
    return {
      p50: percentile(state.samples, 50) ?? Number.NaN,
      p99: percentile(state.samples, 99) ?? Number.NaN,
      fps: frames / elapsedS,
      longAnimationFrames: state.longFrames,
      cards,
      painted: state.samples.length,
      published,
    }
  } finally {
    await page.context().close()
  }
}
