import { test, expect, type Page } from '@playwright/test'
import { ingest, startStub, type RunningStub } from './support/stub'
import { build } from './support/entities'

// An address with filters (?repos=) or the wall's ?kiosk needs code of its own, each in a chunk
// loaded on demand (src/main.ts). The page mounts only once those have loaded, so even its
// first paint is filtered and fitted: here the chunks are held back for a second, and every
// card ever added to the page is recorded from before its first script runs.

let stub: RunningStub
test.beforeAll(async () => {
  stub = await startStub({ SIM: '0', HEARTBEAT_MS: '1000', RECYCLE_MS: '0' })
  const repos = ['api', ...Array.from({ length: 39 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`)]
  await ingest(
    stub.url,
    repos.map((repo, i) => build({ id: `b-${repo}`, repo, number: i + 1 })),
  )
})
test.afterAll(async () => stub?.stop())

/** Delays the chunks a second each; returns how many were held (a renamed chunk would hold none). */
async function holdBack(page: Page, chunk: RegExp): Promise<() => number> {
  let held = 0
  await page.route(chunk, async (route) => {
    held++
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await route.continue()
  })
  return () => held
}

/** Every build card id added to the page, and the most build cards it held at once. */
async function recordCards(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen = new Set<string>()
    const record = { seen, most: 0 }
    ;(window as unknown as { __cards: typeof record }).__cards = record
    new MutationObserver(() => {
      const cards = document.querySelectorAll('[data-kind="build"]')
      record.most = Math.max(record.most, cards.length)
      for (const card of cards) seen.add(card.getAttribute('data-id') ?? '?')
    }).observe(document, { subtree: true, childList: true })
  })
}

const recorded = (page: Page) =>
  page.evaluate(() => {
    const record = (window as unknown as { __cards: { seen: Set<string>; most: number } }).__cards
    return { seen: [...record.seen], most: record.most }
  })

test('a filtered address never paints what its filter leaves out, even while the filter loads', async ({ page }) => {
  const held = await holdBack(page, /\/assets\/filters-[\w-]+\.js$/)
  await recordCards(page)
  await page.goto(`${stub.url}/?repos=api`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  await expect(page.locator('[data-kind="build"][data-id="b-api"]')).toBeVisible()
  await expect(page.locator('[data-column="builds"]')).toHaveAttribute('data-count', '1')
  expect((await recorded(page)).seen).toEqual(['b-api'])
  expect(held()).toBe(1)
})

test('the wall view never paints more cards than fit, even while its fitting loads', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  // The kiosk's fit, its overflow rules and its styles come in one chunk.
  const held = await holdBack(page, /\/assets\/kioskColumns-[\w-]+\.js$/)
  await recordCards(page)
  await page.goto(`${stub.url}/?kiosk`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  await expect(page.locator('[data-column="builds"] [data-overflow]')).toBeVisible()
  const fitted = await page.locator('[data-kind="build"]').count()
  expect(fitted).toBeLessThan(40)
  expect((await recorded(page)).most).toBe(fitted)
  expect(held()).toBe(1)
})
