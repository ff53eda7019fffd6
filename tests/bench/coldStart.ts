import { existsSync } from 'node:fs'
import { CHROMIUM, launchChromium, probedPage } from './lib/browser'
import { generatePool } from './lib/eventPool'
import { metric, notMeasured, type Bench, type Metric } from './lib/metrics'
import { ensureDist, seedWall } from './lib/pageRun'
import { startBenchStub } from './lib/stub'

// Cold start: from navigation to the first painted snapshot (the first card on screen), in
// a fresh browser context each run (empty cache), with the stub holding a realistic wall.
// Also the browser's own first-contentful-paint and largest-contentful-paint.

interface ColdRun {
  firstCard: number
  fcp: number
  lcp: number
}

export const coldStartBench: Bench = {
  name: 'cold',
  async run(ctx) {
    if (!existsSync(CHROMIUM)) return [notMeasured('cold', 'cold start', '', null, `no Chromium at ${CHROMIUM}`)]
    await ensureDist(ctx)
    const runs = ctx.quick ? 3 : 7
    const stub = await startBenchStub({ STATIC_DIR: ctx.distDir })
    const browser = await launchChromium()
    const results: ColdRun[] = []
    try {
      await seedWall(stub.url, generatePool(1).snapshot)
      for (let r = 0; r < runs + 1; r++) {
        const page = await probedPage(browser)
        try {
          await page.goto(stub.url, { waitUntil: 'load' })
          await page.waitForFunction(
            () => (window as unknown as { __bench: { firstCardAt: number | null } }).__bench.firstCardAt !== null,
            null,
            {
              timeout: 30_000,
            },
          )
          await page.waitForTimeout(300)
          const run = await page.evaluate(
            () =>
              new Promise<ColdRun>((resolve) => {
                const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN
                new PerformanceObserver((list) => {
                  const entries = list.getEntries()
                  resolve({
                    firstCard: (window as unknown as { __bench: { firstCardAt: number } }).__bench.firstCardAt,
                    fcp,
                    lcp: entries[entries.length - 1]?.startTime ?? Number.NaN,
                  })
                }).observe({ type: 'largest-contentful-paint', buffered: true })
              }),
          )
          if (r > 0) results.push(run) // the first run warms the stub and the browser binary, not the page's cache
        } finally {
          await page.context().close()
        }
      }
    } finally {
      await browser.close()
      await stub.stop()
    }
    ctx.log(`cold start: first card ${results.map((r) => r.firstCard.toFixed(0)).join(', ')} ms`)
    const metrics: Metric[] = [
      metric(
        'cold.firstSnapshot',
        'cold start: navigation to first painted snapshot',
        'ms',
        null,
        results.map((r) => r.firstCard),
      ),
      metric(
        'cold.fcp',
        'cold start: first contentful paint',
        'ms',
        null,
        results.map((r) => r.fcp),
      ),
      metric(
        'cold.lcp',
        'cold start: largest contentful paint',
        'ms',
        null,
        results.map((r) => r.lcp),
      ),
      notMeasured(
        'cold.lighthouse',
        'cold start: Lighthouse 12.2 desktop LCP/TBT/CLS',
        '',
        null,
        'lighthouse is not installed',
      ),
    ]
    return metrics
  },
}
