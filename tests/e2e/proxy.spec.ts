import { request } from 'node:http'
import { createGunzip } from 'node:zlib'
import { test, expect, type Page } from '@playwright/test'
import { createParser } from 'eventsource-parser'
import { startNginx, recommendedServerBlock, stockServerBlock, type RunningNginx } from './support/nginx'
import { ingest, startStub, type RunningStub } from './support/stub'
import { expectBoardEqualsServer, installProbes, numberedBuild, readProbe, seedWorld } from './support/drills'

// The page and the stream behind a real nginx (Debian's), twice: with the configuration
// docs/deploy.md recommends, and with a stock `proxy_pass` (buffering on, gzip on for
// text/event-stream), where only the stub's `X-Accel-Buffering: no` keeps events flowing.

const LATENCY_EVENTS = 50
const LATENCY_BUDGET_MS = 100

const now = () => performance.timeOrigin + performance.now()

interface Timed {
  receivedAt: Map<string, number>
  encoding: string | undefined
  close(): void
}

/** A raw client through the proxy that stamps each build event on arrival, decoding gzip like a browser. */
function readThrough(url: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const receivedAt = new Map<string, number>()
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === 'build') receivedAt.set((JSON.parse(event.data) as { id: string }).id, now())
      },
    })
    const req = request(
      url,
      { headers: { Accept: 'text/event-stream', 'Accept-Encoding': 'gzip, deflate, br' } },
      (res) => {
        const encoding = res.headers['content-encoding']
        const body = encoding === 'gzip' ? res.pipe(createGunzip()) : res
        const decoder = new TextDecoder()
        body.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })))
        body.on('error', () => {})
        resolve({ receivedAt, encoding, close: () => req.destroy() })
      },
    )
    req.on('error', (error) => {
      if (!('code' in error && error.code === 'ECONNRESET')) reject(error)
    })
    req.end()
  })
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

const CONFIGS = [
  ['recommended', recommendedServerBlock],
  ['stock', stockServerBlock],
] as const

for (const [name, serverBlock] of CONFIGS) {
  test.describe(`behind nginx (${name} configuration)`, () => {
    let stub: RunningStub | null = null
    let nginx: RunningNginx | null = null
    test.afterEach(async () => {
      await nginx?.stop()
      await stub?.stop()
      nginx = stub = null
    })

    test(`events published to the stub arrive through nginx within ${LATENCY_BUDGET_MS} ms`, async () => {
      stub = await startStub({ SIM: '0', FAULTS: '1', HEARTBEAT_MS: '1000', RECYCLE_MS: '0' })
      nginx = await startNginx(serverBlock(stub.url))
      const reader = await readThrough(`${nginx.url}/api/stream`)
      // The same stream read straight from the stub: what nginx adds is the difference, so a
      // busy machine slowing the ingest POST does not count against the proxy.
      const direct = await readThrough(`${stub.url}/api/stream`)
      try {
        // Warm-up: the first event proves both streams are open end to end.
        await ingest(stub.url, { type: 'build', data: numberedBuild('warm', 0) })
        await expect.poll(() => reader.receivedAt.size, { timeout: 5000 }).toBe(1)
        await expect.poll(() => direct.receivedAt.size, { timeout: 5000 }).toBe(1)
        const sentAt = new Map<string, number>()
        for (let i = 1; i <= LATENCY_EVENTS; i++) {
          const build = numberedBuild('latency', i)
          sentAt.set(build.id, now())
          await ingest(stub.url, { type: 'build', data: build })
          await new Promise((r) => setTimeout(r, 20))
        }
        await expect.poll(() => reader.receivedAt.size, { timeout: 5000 }).toBe(LATENCY_EVENTS + 1)
        await expect.poll(() => direct.receivedAt.size, { timeout: 5000 }).toBe(LATENCY_EVENTS + 1)
        const sorted = (values: number[]) => values.sort((a, b) => a - b)
        const endToEnd = sorted([...sentAt].map(([id, at]) => reader.receivedAt.get(id)! - at))
        const added = sorted([...sentAt.keys()].map((id) => reader.receivedAt.get(id)! - direct.receivedAt.get(id)!))
        console.log(
          `nginx ${name}: publish-to-receive p50 ${percentile(endToEnd, 50).toFixed(1)} ms, p99 ${percentile(endToEnd, 99).toFixed(1)} ms; ` +
            `added by nginx p50 ${percentile(added, 50).toFixed(1)} ms, p99 ${percentile(added, 99).toFixed(1)} ms ` +
            `(content-encoding ${reader.encoding ?? 'none'})`,
        )
        // Buffering would hold events until a 4-8 kB buffer fills: seconds at this rate.
        expect(percentile(added, 99)).toBeLessThanOrEqual(LATENCY_BUDGET_MS)
        expect(percentile(endToEnd, 50)).toBeLessThanOrEqual(LATENCY_BUDGET_MS)
      } finally {
        reader.close()
        direct.close()
      }
    })

    test('the page through nginx stays live across recycles and resumes without loss or duplicate', async ({
      page,
    }) => {
      stub = await startStub({ SIM: '0', FAULTS: '1', HEARTBEAT_MS: '1000', RECYCLE_MS: '2000' })
      nginx = await startNginx(serverBlock(stub.url))
      await seedWorld(stub.url, 'proxied', 6)
      await installProbes(page)
      await page.goto(`${nginx.url}/`)
      await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
      await expectBoardEqualsServer(page, stub.url)
      const idsBefore = (await readProbe(page)).ids.length

      let notLive = 0
      const until = Date.now() + 10_000
      for (let n = 1; Date.now() < until; n++) {
        await ingest(stub.url, { type: 'build', data: numberedBuild('through', n, n % 5 ? 'passed' : 'failed') })
        if (!(await isLive(page))) notLive++
        await page.waitForTimeout(150)
      }
      await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 5000 })
      await expectBoardEqualsServer(page, stub.url)
      const probe = await readProbe(page)
      expect(probe.opens, 'recycled through nginx').toBeGreaterThanOrEqual(4)
      expect(probe.hellos.slice(1), 'every reconnect resumed (no fresh snapshot)').not.toContain(false)
      expect(new Set(probe.ids).size, 'no state event twice').toBe(probe.ids.length)
      expect(probe.ids.length).toBeGreaterThan(idsBefore)
      expect(notLive, 'never shown as not live during planned recycles').toBe(0)
      expect(probe.minCards).toBeGreaterThan(0)
      expect(probe.blinks).toEqual([])
      console.log(`nginx ${name}: ${probe.opens} connections, ${probe.ids.length} events, all resumed, always live`)
    })
  })
}

async function isLive(page: Page): Promise<boolean> {
  return (await page.locator('[data-connection="live"]').count()) === 1
}
