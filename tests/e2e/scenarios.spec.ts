import { test, expect } from '@playwright/test'
import { startDevServer, type RunningDevServer } from './support/devMock'
import { pageCards } from './support/drills'
import { startStub } from './support/stub'

// Each named scenario, in mock mode (?scenario=), shows what its name promises.

let server: RunningDevServer

test.beforeAll(async () => {
  server = await startDevServer('dev:mock')
})
test.afterAll(async () => server?.stop())

async function load(page: import('@playwright/test').Page, scenario: string, extra = '') {
  await page.goto(`${server.url}/?scenario=${scenario}&seed=3${extra}`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 20_000 })
}

const count = (page: import('@playwright/test').Page, column: string) =>
  page.locator(`[data-column="${column}"]`).getAttribute('data-count').then(Number)

test('normal: every column holds something', async ({ page }) => {
  await load(page, 'normal')
  for (const column of ['builds', 'pull-requests', 'deployments']) expect(await count(page, column)).toBeGreaterThan(0)
})

test('incident: a red production deployment and red mains', async ({ page }) => {
  await load(page, 'incident')
  await expect(
    page.locator('[data-column="deployments"] [data-kind="deployment"][data-status="failed"][data-id*="-production-"]'),
  ).not.toHaveCount(0)
  // The laptop view renders the cards near the viewport: count over the whole page.
  const failed = (await pageCards(page)).filter((card) => card.startsWith('build:') && card.endsWith(':failed'))
  expect(failed.length).toBeGreaterThanOrEqual(4)
})

test('incident: the production alarm pulses without restyling the page every frame', async ({ page }) => {
  await load(page, 'incident', '&kiosk')
  await expect(
    page.locator('[data-kind="deployment"][data-status="failed"][data-id*="-production-"]').first(),
  ).toBeVisible()
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const styleRecalcs = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'RecalcStyleCount')!.value
  const before = await styleRecalcs()
  await page.waitForTimeout(2000)
  // The clock ticks once a second and a few events arrive; an animated colour restyles 60 times a second.
  expect(await styleRecalcs()).toBeLessThan(before + 30)
})

test('all-green: no failed build and no failed deployment', async ({ page }) => {
  await load(page, 'all-green')
  expect(await count(page, 'builds')).toBeGreaterThan(0)
  const cards = await pageCards(page)
  expect(cards.filter((card) => card.endsWith(':failed'))).toEqual([])
  expect(cards.filter((card) => card.startsWith('build:')).length).toBe(await count(page, 'builds'))
})

test('empty: a new team, every count 0', async ({ page }) => {
  await load(page, 'empty')
  for (const column of ['builds', 'pull-requests', 'deployments']) expect(await count(page, column)).toBe(0)
  await expect(page.locator('[data-kind]')).toHaveCount(0)
})

test('busy: on the wall screen every column overflows into a summary', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  await load(page, 'busy', '&kiosk')
  for (const column of ['builds', 'pull-requests', 'deployments']) {
    await expect(page.locator(`[data-column="${column}"] [data-overflow]`), column).toContainText(/^\+\d+ more/)
  }
  expect(await count(page, 'deployments')).toBeGreaterThanOrEqual(50)
  expect(await count(page, 'pull-requests')).toBeGreaterThanOrEqual(40)
})

test('overload: hundreds of events a second and the page stays live', async ({ page }) => {
  await load(page, 'overload')
  const head = () =>
    page.evaluate(
      () =>
        (globalThis as unknown as { __radiatorMock: { session: { hub: { head: number } } } }).__radiatorMock.session.hub
          .head,
    )
  const first = await head()
  await page.waitForTimeout(2000)
  expect((await head()) - first).toBeGreaterThan(400)
  await expect(page.locator('[data-connection="live"]')).toBeVisible()
})

test('hostile: markup in every field is shown as text, nothing is injected', async ({ page }) => {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await load(page, 'hostile')
  expect(await count(page, 'builds')).toBeGreaterThan(0)
  const app = page.locator('#app')
  for (const selector of ['script', 'iframe', 'img[src="x"]', 'svg[onload]', 'a[href^="javascript:"]', 'raw']) {
    await expect(app.locator(selector), selector).toHaveCount(0)
  }
  await expect(app.locator('h1', { hasText: 'layout broken' })).toHaveCount(0)
  const handlers = await app.evaluate((root) =>
    [...root.querySelectorAll('*')].flatMap((el) => el.getAttributeNames().filter((name) => name.startsWith('on'))),
  )
  expect(handlers).toEqual([])
  // The markup is there, as text.
  await expect(app).toContainText(/<(img|script|svg|a|\/div|b|i|raw)\b/)
  await page.waitForTimeout(1000)
  expect(dialogs).toEqual([])
})

test.describe('the same scenarios on the stub (SIM_SCENARIO=)', () => {
  for (const [scenario, promise] of [
    ['incident', 'a red production deployment'],
    ['empty', 'every count 0'],
  ] as const) {
    test(`${scenario}: ${promise}`, async ({ page }) => {
      const stub = await startStub({ SIM: '1', SIM_SCENARIO: scenario, SIM_SEED: '3' })
      try {
        await page.goto(`${stub.url}/`)
        await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 20_000 })
        if (scenario === 'incident') {
          await expect(
            page.locator('[data-kind="deployment"][data-status="failed"][data-id*="-production-"]'),
          ).not.toHaveCount(0)
        } else {
          for (const column of ['builds', 'pull-requests', 'deployments']) expect(await count(page, column)).toBe(0)
        }
      } finally {
        await stub.stop()
      }
    })
  }
})
