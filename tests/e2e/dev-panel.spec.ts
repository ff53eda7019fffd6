import { test, expect, type Page } from '@playwright/test'
import { boardSignature, devAction, openDevPanel } from './support/board'
import { expectNotOnBoard } from './support/drills'
import { startDevServer, type RunningDevServer } from './support/devMock'
import { freePort } from './support/stub'
import { ORDER_HOLD_MS } from '../../src/components/useHeldOrder'

// The dev panel's actions each change the board: in mock mode on the in-page simulator, and
// (a few) against the stub through `npm run dev`.

const card = (page: Page, kind: string, id: string) => page.locator(`[data-kind="${kind}"][data-id="${id}"]`)

async function goLive(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 20_000 })
  await openDevPanel(page)
}

test.describe('in mock mode', () => {
  let server: RunningDevServer
  test.beforeAll(async () => {
    server = await startDevServer('dev:mock')
  })
  test.afterAll(async () => server?.stop())

  test('builds: fail one, then fix it', async ({ page }) => {
    await goLive(page, `${server.url}/?seed=5`)
    const failed = await devAction(page, 'fail-build')
    expect(failed).toMatch(/^b-/)
    await expect(card(page, 'build', failed!)).toHaveAttribute('data-status', 'failed')
    const fixed = await devAction(page, 'fix-build')
    expect(fixed).toMatch(/^b-/)
    // The pipeline's card is now the passing build; the failed one left the board's view.
    await expect(card(page, 'build', fixed!)).toHaveAttribute('data-status', 'passed')
    await expectNotOnBoard(page, 'build', failed!)
  })

  test('pull requests: a ready one, and one blocking another', async ({ page }) => {
    await goLive(page, `${server.url}/?seed=5`)
    const ready = await devAction(page, 'open-ready-pr')
    await expect(card(page, 'pull-request', ready!)).toHaveAttribute('data-ready', 'true')
    const blocker = await devAction(page, 'make-blocking')
    await expect(card(page, 'pull-request', blocker!)).toHaveAttribute('data-blocking', 'true')
  })

  test('deployments: a production rollout starts, then fails', async ({ page }) => {
    await goLive(page, `${server.url}/?seed=5`)
    const rollout = await devAction(page, 'start-rollout')
    expect(rollout).toContain('-production-')
    await expect(card(page, 'deployment', rollout!)).toHaveAttribute('data-status', /in_progress|succeeded|failed/)
    const failed = await devAction(page, 'fail-deployment')
    await expect(card(page, 'deployment', failed!)).toHaveAttribute('data-status', 'failed')
    await expect(page.locator('[data-kind="deployment"][data-status="failed"]').first()).toBeVisible()
  })

  test('the connection: a drop is recovered, a malformed frame is dropped and the page stays live', async ({
    page,
  }) => {
    const warnings: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text())
    })
    let streams = 0
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/stream') streams++
    })
    await goLive(page, `${server.url}/?seed=5`)
    const before = streams
    await devAction(page, 'drop-connection')
    await expect.poll(() => streams, { timeout: 15_000 }).toBeGreaterThan(before)
    await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })

    await expect(page.locator('[data-dev-state]')).toContainText('1 stream(s)')
    await devAction(page, 'malformed-frame')
    await expect(page.locator('[data-dev-message]')).toHaveText(/on 1 stream/)
    await expect.poll(() => warnings.join('\n')).toMatch(/dropped a build frame/)
    await expect(page.locator('[data-connection="live"]')).toBeVisible()
    await expectNotOnBoard(page, 'build', 'b-malformed')
  })

  test('the simulator: pause holds the board still, resume and speed move it again', async ({ page }) => {
    await goLive(page, `${server.url}/?seed=5&speed=20`)
    await devAction(page, 'pause')
    await expect(page.locator('[data-dev-paused]')).toHaveText('paused')
    // A column re-sorts up to a second after its last event (useHeldOrder): let that settle first.
    await page.waitForTimeout(ORDER_HOLD_MS + 300)
    const held = await boardSignature(page)
    await page.waitForTimeout(2500)
    expect(await boardSignature(page)).toBe(held)

    await devAction(page, 'resume')
    await expect(page.locator('[data-dev-paused]')).toHaveText('running')
    await page.locator('[data-dev-speed]').selectOption('50')
    await expect(page.locator('[data-dev-state]')).toContainText('speed 50')
    await expect.poll(() => boardSignature(page), { timeout: 15_000 }).not.toBe(held)
  })

  test('switching scenario swaps the board for the new one and keeps it in the address', async ({ page }) => {
    await goLive(page, `${server.url}/?seed=5`)
    await expect(page.locator('[data-column="builds"]')).toHaveAttribute('data-count', /^[1-9]\d*$/)
    await page.locator('[data-dev-scenario-choice]').selectOption('empty')
    await page.locator('[data-dev-action="scenario"]').click()
    for (const column of ['builds', 'pull-requests', 'deployments']) {
      await expect(page.locator(`[data-column="${column}"]`)).toHaveAttribute('data-count', '0', { timeout: 15_000 })
    }
    await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
    expect(new URL(page.url()).searchParams.get('scenario')).toBe('empty')

    await page.locator('[data-dev-scenario-choice]').selectOption('incident')
    await page.locator('[data-dev-action="scenario"]').click()
    await expect(
      page.locator('[data-kind="deployment"][data-status="failed"][data-id*="-production-"]').first(),
    ).toBeVisible({ timeout: 15_000 })
  })

  test('the panel is keyboard accessible and collapsible', async ({ page }) => {
    await page.goto(`${server.url}/`)
    const toggle = page.locator('[data-dev-panel] .dev-toggle')
    await expect(toggle).toHaveAttribute('aria-expanded', /true|false/)
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click()
    await toggle.focus()
    await page.keyboard.press('Enter')
    await expect(toggle).toHaveAttribute('aria-expanded', 'true')
    await page.locator('[data-dev-state]').waitFor()
    await page.locator('[data-dev-action="fail-build"]').focus()
    await page.keyboard.press('Escape')
    await expect(toggle).toHaveAttribute('aria-expanded', 'false')
    await expect(toggle).toBeFocused()
    await expect(page.locator('[data-dev-action]')).toHaveCount(0)
  })
})

test.describe('against the stub (npm run dev)', () => {
  let server: RunningDevServer
  test.beforeAll(async () => {
    server = await startDevServer('dev', { STUB_PORT: String(await freePort()), SIM_SEED: '5' })
  })
  test.afterAll(async () => server?.stop())

  test('fail a build and switch scenario through the stub control endpoints', async ({ page }) => {
    await goLive(page, `${server.url}/`)
    await expect(page.locator('[data-dev-panel] .dev-mode')).toHaveText('stub')
    const failed = await devAction(page, 'fail-build')
    await expect(card(page, 'build', failed!)).toHaveAttribute('data-status', 'failed')

    await page.locator('[data-dev-scenario-choice]').selectOption('empty')
    await page.locator('[data-dev-action="scenario"]').click()
    await expect(page.locator('[data-column="builds"]')).toHaveAttribute('data-count', '0', { timeout: 15_000 })
    await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  })
})
