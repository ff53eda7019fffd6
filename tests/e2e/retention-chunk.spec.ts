import { test, expect } from '@playwright/test'
import { ingest, startStub, type RunningStub } from './support/stub'
import { build } from './support/entities'

// The page's pruning rules come in a chunk of their own, asked for by the first batch
// (src/stores/board.ts). If that fetch fails, the board goes on unpruned and asks again a prune
// interval (10 s) later. That only helps because Chromium fetches a failed dynamic import again
// instead of keeping the failure for the page's life: this drill fails the first fetch.

let stub: RunningStub
test.beforeAll(async () => {
  stub = await startStub({ SIM: '0', HEARTBEAT_MS: '1000', RECYCLE_MS: '0' })
})
test.afterAll(async () => stub?.stop())

test('a failed load of the pruning rules is tried again, and the board is pruned once they load', async ({ page }) => {
  test.setTimeout(45_000)
  const fetches: number[] = []
  await page.route(/\/assets\/retention-[\w-]+\.js$/, (route) => {
    fetches.push(Date.now())
    return fetches.length === 1 ? route.fulfill({ status: 503, body: 'unavailable' }) : route.continue()
  })
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(`${stub.url}/`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })

  // Eight branches of one repository, nine builds each: past the growth that makes a prune due
  // (64 builds), and retention keeps main and the five other branches most recently active.
  const branches = ['main', ...Array.from({ length: 7 }, (_, i) => `feature-${i + 1}`)]
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString()
  await ingest(
    stub.url,
    branches.flatMap((branch, b) =>
      Array.from({ length: 9 }, (_, n) =>
        build({ id: `b-${branch}-${n + 1}`, branch, number: n + 1, updatedAt: minutesAgo(90 - b * 10 - n) }),
      ),
    ),
  )
  const builds = page.locator('[data-column="builds"]')
  await expect(builds).toHaveAttribute('data-count', '8')
  await expect.poll(() => errors.some((e) => e.includes('pruning did not load'))).toBe(true)
  expect(fetches).toHaveLength(1)

  await expect(builds).toHaveAttribute('data-count', '6', { timeout: 25_000 })
  expect(fetches).toHaveLength(2)
  expect(fetches[1]! - fetches[0]!).toBeGreaterThanOrEqual(9_000)
  await expect(page.locator('[data-kind="build"][data-id="b-main-9"]')).toBeVisible()
  await expect(page.locator('[data-kind="build"][data-id^="b-feature-1-"]')).toHaveCount(0)
  await expect(page.locator('[data-kind="build"][data-id="b-feature-7-9"]')).toBeVisible()
})
