import { test, expect, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { ingest, startStub, type RunningStub } from './support/stub'
import { approved, build, deployment, pullRequest } from './support/entities'
import { pageCards } from './support/drills'

const SIZES = [
  { width: 1280, height: 720, minMainPx: 13 },
  { width: 1920, height: 1080, minMainPx: 20 },
  { width: 3840, height: 2160, minMainPx: 32 },
]

async function expectNoScrollAndNoClipping(page: Page) {
  const layout = await page.evaluate(() => {
    const doc = document.documentElement
    const clipped: string[] = []
    for (const card of document.querySelectorAll<HTMLElement>('[data-kind]')) {
      const rect = card.getBoundingClientRect()
      if (rect.top < 0 || rect.left < 0 || rect.bottom > innerHeight + 0.5 || rect.right > innerWidth + 0.5) {
        clipped.push(card.dataset.id ?? '?')
        continue
      }
      // A card cut by its column's own overflow counts as clipped too.
      const column = card.closest<HTMLElement>('[data-column]')
      const body = column?.getBoundingClientRect()
      if (body && (rect.bottom > body.bottom + 0.5 || rect.right > body.right + 0.5))
        clipped.push(card.dataset.id ?? '?')
    }
    return {
      scrollsY: doc.scrollHeight > innerHeight,
      scrollsX: doc.scrollWidth > innerWidth,
      clipped,
    }
  })
  expect(layout.scrollsY, 'page scrolls vertically').toBe(false)
  expect(layout.scrollsX, 'page scrolls horizontally').toBe(false)
  expect(layout.clipped, 'cards cut off').toEqual([])
}

test.describe('kiosk fit with the busy scenario', () => {
  let stub: RunningStub
  test.beforeAll(async () => {
    stub = await startStub({ SIM: '1', SIM_SCENARIO: 'busy', SIM_SEED: '3' })
  })
  test.afterAll(async () => stub?.stop())

  for (const size of SIZES) {
    test(`${size.width}x${size.height}: one screen, no scrollbars, no clipped cards, readable text`, async ({
      page,
    }) => {
      await page.setViewportSize({ width: size.width, height: size.height })
      await page.goto(`${stub.url}/?kiosk`)
      await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
      await expect(page.locator('[data-kind="build"]').first()).toBeVisible()
      await expectNoScrollAndNoClipping(page)

      // Every column of the busy day holds more than fits: each says what it hides.
      await expect(page.locator('[data-column="builds"] [data-overflow]')).toContainText(/^\+\d+ more/)
      await expect(page.locator('[data-column="pull-requests"] [data-overflow]')).toContainText(/^\+\d+ more/)
      await expect(page.locator('[data-column="deployments"] [data-overflow]')).toContainText(/^\+\d+ more/)

      const mainPx = await page
        .locator('[data-kind] .card-main')
        .evaluateAll((els) => Math.min(...els.map((el) => parseFloat(getComputedStyle(el).fontSize))))
      expect(mainPx).toBeGreaterThanOrEqual(size.minMainPx)

      // Dark on the wall, and no cursor.
      const look = await page.evaluate(() => ({
        cursor: getComputedStyle(document.body).cursor,
        scheme: getComputedStyle(document.documentElement).colorScheme,
      }))
      expect(look.cursor).toBe('none')
      expect(look.scheme).toContain('dark')
    })
  }

  test('no serious or critical accessibility violations', async ({ page }) => {
    await page.goto(`${stub.url}/?kiosk`)
    await expect(page.locator('[data-kind="build"]').first()).toBeVisible({ timeout: 15_000 })
    const results = await new AxeBuilder({ page }).analyze()
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(bad.map((v) => `${v.id}: ${v.nodes.length} nodes`)).toEqual([])
  })

  test('the laptop view keeps every item and may scroll', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.goto(`${stub.url}/`)
    await expect(page.locator('[data-kind="build"]').first()).toBeVisible({ timeout: 15_000 })
    const held = Number(await page.locator('[data-column="builds"]').getAttribute('data-count'))
    const shown = await pageCards(page)
    expect(shown.filter((card) => card.startsWith('build:'))).toHaveLength(held)
    await expect(page.locator('[data-overflow]')).toHaveCount(0)
  })
})

test.describe('with events pushed to an idle stub', () => {
  let stub: RunningStub
  test.beforeEach(async () => {
    stub = await startStub({ SIM: '0' })
  })
  test.afterEach(async () => stub?.stop())

  test('the laptop view renders the cards near the viewport of a long column, and scrolls to all of them', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 })
    const greens = Array.from({ length: 300 }, (_, i) =>
      build({
        id: `b-long-${i}`,
        repo: `service-${i}`,
        number: i + 1,
        updatedAt: new Date(Date.now() - i * 1000).toISOString(),
      }),
    )
    await ingest(stub.url, greens)
    await page.goto(`${stub.url}/`)
    const column = page.locator('[data-column="builds"]')
    await expect(column).toHaveAttribute('data-count', '300', { timeout: 15_000 })
    await expect(column.locator('[data-id="b-long-0"]')).toBeInViewport()
    const rendered = await column.locator('[data-kind="build"]').count()
    expect(rendered, 'a window, not the whole column').toBeLessThan(60)
    expect(rendered, 'at least the screen').toBeGreaterThan(8)

    const geometry = async () =>
      page.evaluate(() => {
        const cards = [...document.querySelectorAll('[data-column="builds"] [data-kind="build"]')]
        const tops = cards.map((card) => card.getBoundingClientRect().top + scrollY)
        return { tops, scrollHeight: document.documentElement.scrollHeight }
      })
    const top = await geometry()
    const pitch = top.tops[1]! - top.tops[0]!
    expect(top.scrollHeight, 'the page is as tall as all 300 cards').toBeGreaterThan(top.tops[0]! + 299 * pitch)
    for (let i = 1; i < top.tops.length; i++) expect(top.tops[i]! - top.tops[i - 1]!).toBeCloseTo(pitch, 0)

    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
    const last = column.locator('[data-id="b-long-299"]')
    await expect(last).toBeInViewport()
    await expect(column.locator('[data-id="b-long-0"]')).toHaveCount(0)
    // Where the 300th card would be had every card been rendered (layout rounds each card's
    // position to 1/64 px, so allow a fraction of one card over 300).
    const lastTop = await last.evaluate((card) => card.getBoundingClientRect().top + scrollY)
    expect(Math.abs(lastTop - (top.tops[0]! + 299 * pitch))).toBeLessThan(pitch / 4)

    const all = await pageCards(page)
    expect(all.filter((card) => card.startsWith('build:b-long-'))).toHaveLength(300)
  })

  test('a red build stays on screen, at the top of its column, after many newer green ones', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 })
    const red = build({
      id: 'b-red',
      repo: 'ledger',
      number: 40,
      status: 'failed',
      finishedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      updatedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    })
    const greens = Array.from({ length: 60 }, (_, i) =>
      build({
        id: `b-green-${i}`,
        repo: `service-${i}`,
        number: i + 1,
        updatedAt: new Date(Date.now() - i * 1000).toISOString(),
      }),
    )
    await ingest(stub.url, [red, ...greens])
    await page.goto(`${stub.url}/?kiosk`)
    await expect(page.locator('[data-column="builds"]')).toHaveAttribute('data-count', '61', { timeout: 15_000 })
    const card = page.locator('[data-kind="build"][data-id="b-red"]')
    await expect(card).toBeInViewport()
    await expect(card).toHaveAttribute('data-status', 'failed')
    await expect(card).toContainText(/red for 2 h/)
    await expect(page.locator('[data-column="builds"] [data-overflow]')).toContainText(/passing/)
    await expectNoScrollAndNoClipping(page)

    // The laptop view scrolls instead of summarising, and leads with the red build all the same.
    await page.goto(stub.url)
    await expect(page.locator('[data-column="builds"] [data-kind="build"]').first()).toHaveAttribute(
      'data-id',
      'b-red',
      {
        timeout: 15_000,
      },
    )
    await expect(card).toBeInViewport()
  })

  test('ready and blocking pull requests carry their hooks', async ({ page }) => {
    await ingest(stub.url, [
      pullRequest({ id: 'pr-ready', number: 10, checks: 'passing', reviewers: [approved('bo'), approved('cy')] }),
      pullRequest({ id: 'pr-blocker', number: 11, blocks: ['pr-waiting', 'pr-other'] }),
      pullRequest({ id: 'pr-waiting', number: 12 }),
      pullRequest({ id: 'pr-other', number: 13, draft: true }),
    ])
    await page.goto(`${stub.url}/?kiosk`)
    const ready = page.locator('[data-kind="pull-request"][data-id="pr-ready"]')
    await expect(ready).toHaveAttribute('data-ready', 'true', { timeout: 15_000 })
    await expect(ready).toHaveAttribute('data-blocking', 'false')
    const blocker = page.locator('[data-kind="pull-request"][data-id="pr-blocker"]')
    await expect(blocker).toHaveAttribute('data-blocking', 'true')
    await expect(blocker).toContainText('blocks 2')
    await expect(page.locator('[data-id="pr-waiting"]')).toHaveAttribute('data-ready', 'false')

    // Merging the blocked PR leaves the blocker blocking one.
    await ingest(stub.url, [
      pullRequest({ id: 'pr-waiting', number: 12, state: 'merged', updatedAt: new Date().toISOString() }),
    ])
    await expect(blocker).toContainText('blocks 1')
  })

  test('a rollout percentage moves live', async ({ page }) => {
    const rollout = (percent: number) =>
      deployment({
        id: 'd-billing-prod-7',
        version: 'v2.0.0',
        status: 'in_progress',
        rolloutPercent: percent,
        finishedAt: null,
        updatedAt: new Date(Date.now() - (100 - percent)).toISOString(),
      })
    await ingest(stub.url, [rollout(20)])
    await page.goto(`${stub.url}/?kiosk`)
    const cell = page.locator('[data-kind="deployment"][data-id="d-billing-prod-7"]')
    await expect(cell).toHaveAttribute('data-rollout', '20', { timeout: 15_000 })
    await expect(cell).toContainText('20%')
    await ingest(stub.url, [rollout(55)])
    await expect(cell).toHaveAttribute('data-rollout', '55')
    await expect(cell).toContainText('55%')
  })

  test('hostile text stays inert', async ({ page }) => {
    const hostile = '<img src=x onerror="window.__owned=1"><script>window.__owned=2</script>\u0007\u001b[31m'
    await ingest(stub.url, [
      build({
        id: 'b-hostile',
        repo: hostile,
        branch: hostile,
        commit: { sha: 'x', message: hostile, author: hostile },
      }),
      pullRequest({ id: 'pr-hostile', title: hostile, author: hostile, repo: hostile }),
      deployment({ id: 'd-hostile', service: hostile, version: hostile, deployedBy: hostile }),
    ])
    await page.goto(`${stub.url}/?kiosk`)
    const card = page.locator('[data-kind="build"][data-id="b-hostile"]')
    await expect(card).toContainText('<img src=x onerror=', { timeout: 15_000 })
    await expect(page.locator('[data-kind="pull-request"][data-id="pr-hostile"]')).toContainText('<script>')
    await expect(page.locator('[data-kind="deployment"][data-id="d-hostile"]')).toContainText('<img')
    expect(await page.locator('main img, main script').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined()
  })
})
