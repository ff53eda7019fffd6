import type { Page } from '@playwright/test'

/** Every card's id and status, in page order: changes whenever the board does. */
export function boardSignature(page: Page): Promise<string> {
  return page
    .locator('[data-kind]')
    .evaluateAll((cards) => cards.map((c) => `${c.getAttribute('data-id')}:${c.getAttribute('data-status')}`).join('|'))
}

/** Opens the dev panel (collapsed by default) and waits for its status line. */
export async function openDevPanel(page: Page): Promise<void> {
  const toggle = page.locator('[data-dev-panel] .dev-toggle')
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  await page.locator('[data-dev-state]').waitFor()
}

/** Clicks a dev panel action and returns the id of the entity it made or changed. */
export async function devAction(page: Page, action: string): Promise<string | null> {
  const message = page.locator('[data-dev-message]')
  const before = await message.textContent()
  await page.locator(`[data-dev-action="${action}"]`).click()
  await page.waitForFunction((previous) => {
    const el = document.querySelector('[data-dev-message]')
    return !!el && el.textContent !== previous && !el.closest('[data-dev-panel]')?.querySelector('button:disabled')
  }, before)
  return message.getAttribute('data-dev-result-id')
}
