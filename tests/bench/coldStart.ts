import { existsSync } from 'node:fs'
import { CHROMIUM, launchChromium, probedPage } from './lib/browser'
import { runLighthouse, type LighthouseFigures } from './lib/lighthouse'
import { generatePool } from './lib/eventPool'
import { metric, notMeasured, type Bench, type Metric } from './lib/metrics'
import { ensureDist, seedWall } from './lib/pageRun'
import { startBenchStub } from './lib/stub'

// Cold start: from navigation to the first painted snapshot (the first card on screen), in
// a fresh browser context each run (empty cache), with the stub holding a realistic wall.
// Also the browser's own first-contentful-paint and largest-contentful-paint, and Lighthouse
// 12.2's desktop LCP, TBT and CLS (simulated throttling, so they read as a slower machine).

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
    const audits: LighthouseFigures[] = []
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
      await browser.close()
      for (let r = 0; r < (ctx.quick ? 1 : 3); r++) audits.push(await runLighthouse(`${stub.url}/`))
    } finally {
      await browser.close()
      await stub.stop()
    }
    ctx.log(
      `lighthouse: ${audits.map((a) => `LCP ${a.lcp.toFixed(0)} ms TBT ${a.tbt.toFixed(0)} ms CLS ${a.cls.toFixed(3)}`).join('; ')}`,
    )
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
      metric(
        'cold.lighthouse.lcp',
        'cold start: Lighthouse desktop LCP',
        'ms',
        null,
        audits.map((a) => a.lcp),
      ),
      metric(
        'cold.lighthouse.tbt',
        'cold start: Lighthouse desktop TBT',
        'ms',
        null,
        audits.map((a) => a.tbt),
      ),
      metric(
        'cold.lighthouse.cls',
        'cold start: Lighthouse desktop CLS',
        '',
        null,
        audits.map((a) => a.cls),
      ),
      metric(
        'cold.lighthouse.score',
        'cold start: Lighthouse performance score',
        '',
        null,
        audits.map((a) => a.score),
      ),
    ]
    return metrics
  },
}
