import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

// Headless Debian Chromium through playwright-core (no browser download works here).

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const VIEWPORT = { width: 1920, height: 1080 }

const probeScript = readFileSync(resolve(import.meta.dirname, 'pageProbe.browser.js'), 'utf8')

export function chromiumVersion(): string | null {
  if (!existsSync(CHROMIUM)) return null
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    return null
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      // A headless page is never visible; without these its timers and frames would be throttled.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  })
}

/** A fresh 1920x1080 page, nothing added. */
export async function plainPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  return context.newPage()
}

/** A fresh 1920x1080 page with the probe (frames, long frames, event-to-paint) installed. */
export async function probedPage(browser: Browser): Promise<Page> {
  const page = await plainPage(browser)
  await page.addInitScript({ content: probeScript })
  return page
}
