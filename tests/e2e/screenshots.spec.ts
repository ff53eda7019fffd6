import { test, expect } from '@playwright/test'
import { startStub, type RunningStub } from './support/stub'

// The README's picture of the wall: taken from the seeded simulator on every e2e run, so it
// shows the page as it is now.
const SHOTS = [
  { width: 1920, height: 1080, file: 'docs/screenshots/board-1920x1080.png' },
  { width: 1280, height: 720, file: 'docs/screenshots/board-1280x720.png' },
]

let stub: RunningStub
test.beforeAll(async () => {
  stub = await startStub({ SIM: '1', SIM_SEED: '1' })
})
test.afterAll(async () => stub?.stop())

for (const shot of SHOTS) {
  test(`screenshot of the kiosk at ${shot.width}x${shot.height}`, async ({ page }) => {
    await page.setViewportSize({ width: shot.width, height: shot.height })
    await page.goto(`${stub.url}/?kiosk`)
    await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
    await expect(page.locator('[data-kind="deployment"]').first()).toBeVisible()
    await page.waitForTimeout(1500)
    await page.screenshot({ path: shot.file })
  })
}
