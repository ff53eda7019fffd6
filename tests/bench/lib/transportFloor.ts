import type { Browser } from 'playwright-core'
import { probedPage } from './browser'
import { percentile, sleep } from './metrics'
import type { Publisher } from './publisher'

// The stream's own floor under the page's event-to-paint: from the publisher's stamp to a listener on
// a page that does nothing else (the probe's EventSource wrapper on the stub's health URL, no app),
// at the same rate and from the same publisher. What the page's figure adds to it is the page's
// own work: its main thread busy when an event arrives, the wait for a frame, rendering, paint.

export interface TransportFloor {
  p50: number
  p99: number
  received: number
  published: number
}

interface ProbeRecords {
  __bench: { reset(): void; received: number; pending: Map<string, { publishedAt: number; receivedAt: number }[]> }
}

export async function measureTransportFloor(
  browser: Browser,
  streamOrigin: string,
  publisher: Publisher,
  rate: number,
  seconds: number,
): Promise<TransportFloor> {
  const page = await probedPage(browser)
  try {
    await page.goto(`${streamOrigin}/api/health`)
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const source = new EventSource('/api/stream')
          source.addEventListener('hello', () => resolve(), { once: true })
          ;(window as unknown as { keep: EventSource }).keep = source
        }),
    )
    await sleep(500)
    await page.evaluate(() => (window as unknown as ProbeRecords).__bench.reset())
    const { published } = await publisher.run(rate, seconds)
    // Every event, however late: one cut off by a deadline would bias the p99 low.
    await page
      .waitForFunction((count) => (window as unknown as ProbeRecords).__bench.received >= count, published, {
        timeout: 30_000,
        polling: 50,
      })
      .catch(() => undefined)
    // Nothing paints here, so every stamped event stays in the probe's pending records.
    const latencies = await page.evaluate(() =>
      [...(window as unknown as ProbeRecords).__bench.pending.values()].flat().map((e) => e.receivedAt - e.publishedAt),
    )
    return {
      p50: percentile(latencies, 50) ?? Number.NaN,
      p99: percentile(latencies, 99) ?? Number.NaN,
      received: latencies.length,
      published,
    }
  } finally {
    await page.context().close()
  }
}
