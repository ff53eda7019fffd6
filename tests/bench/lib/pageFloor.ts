import type { Page } from 'playwright-core'
import { withCardChange } from './browserScript'

// The browser's own floor for the page bench: what Chromium on this machine needs to show the
// same number of card changes a second on the same DOM, with no stream, no store and no Vue.
// A static copy of the wall the page rendered (its markup and stylesheets, scripts removed) is
// loaded in a new page, and a requestAnimationFrame loop changes `rate / 60` cards a frame, as a
// page holding 60 frames/s would have to: the card's update stamp, one of its texts (swapped with
// another card's, so lengths vary as real ones do) and its progress bar. Nothing moves and no card
// is added, so the floor is kinder than the real stream: a page cannot do better than it.

export interface PageFloor {
  fps: number
  longAnimationFrames: number
  /** Cards changed in each frame. */
  perFrame: number
  cards: number
}

/**
 * A static copy of what `live` shows now: its markup and stylesheets, scripts removed, with a base
 * URL so that it loads the same styles wherever it is put.
 */
export async function copyOfWall(live: Page): Promise<string> {
  const origin = new URL(live.url()).origin
  const html = await live.evaluate(() => {
    const copy = document.documentElement.cloneNode(true) as HTMLElement
    for (const el of copy.querySelectorAll('script, link[rel="modulepreload"]')) el.remove()
    return `<!doctype html>${copy.outerHTML}`
  })
  return html.replace('<head>', `<head><base href="${origin}/">`)
}

/**
 * Measures the floor `runs` times on `html` (copyOfWall), in a page of the same context as
 * `live`; `live` is left on about:blank so that it draws nothing meanwhile.
 */
export async function measurePageFloor(
  live: Page,
  html: string,
  rate: number,
  seconds: number,
  runs: number,
): Promise<PageFloor[]> {
  await live.goto('about:blank')
  const page = await live.context().newPage()
  const figures: PageFloor[] = []
  try {
    await page.setContent(html, { waitUntil: 'load' })
    for (let run = 0; run < runs; run++) figures.push(await floorRun(page, Math.round(rate / 60), seconds))
    return figures
  } finally {
    await page.close()
  }
}

function floorRun(page: Page, perFrame: number, seconds: number): Promise<PageFloor> {
  return page.evaluate(withCardChange('pageFloor.browser.js', { perFrame, seconds })) as Promise<PageFloor>
}
