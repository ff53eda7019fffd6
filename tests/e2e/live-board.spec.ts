import { test, expect } from '@playwright/test'
import { startStub, type RunningStub } from './support/stub'

let stub: RunningStub

test.beforeAll(async () => {
  stub = await startStub({ SIM: '1', SIM_SEED: '7', SIM_SPEED: '4' })
})
test.afterAll(async () => stub?.stop())

test('the served page fills the three columns from the simulator and goes live', async ({ page }) => {
  await page.goto(`${stub.url}/`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  for (const column of ['builds', 'pull-requests', 'deployments']) {
    const count = page.locator(`[data-column="${column}"]`)
    await expect(count).toHaveAttribute('data-count', /^[1-9]\d*$/)
  }
  await expect(page.locator('[data-kind="build"]').first()).toBeVisible()
  await expect(page.locator('[data-kind="pull-request"]').first()).toBeVisible()
  await expect(page.locator('[data-kind="deployment"]').first()).toBeVisible()

  // Live, not a one-off render: the simulator's next events change what the page holds.
  const before = await page
    .locator('[data-kind]')
    .evaluateAll((cards) => cards.map((c) => `${c.getAttribute('data-id')}:${c.getAttribute('data-status')}`).join('|'))
  await expect
    .poll(
      () =>
        page
          .locator('[data-kind]')
          .evaluateAll((cards) =>
            cards.map((c) => `${c.getAttribute('data-id')}:${c.getAttribute('data-status')}`).join('|'),
          ),
      { timeout: 20_000 },
    )
    .not.toBe(before)
})

test('the page holds exactly one stream connection', async ({ page }) => {
  const streams: string[] = []
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/api/stream') streams.push(req.url())
  })
  await page.goto(`${stub.url}/`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  await page.waitForTimeout(1000)
  expect(streams).toHaveLength(1)
})
