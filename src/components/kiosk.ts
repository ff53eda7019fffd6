import { loadFit } from './columnFit'
import { addStyles } from './lazyComponent'

/** `?kiosk` (any value) turns the page into the wall screen: dark, no cursor, everything fits. */
export function isKiosk(search: string): boolean {
  return new URLSearchParams(search).has('kiosk')
}

/**
 * What only the kiosk needs, each a chunk of its own: its fit (kioskColumns.ts) and then its
 * styles (kiosk.css). main.ts waits for both before a kiosk mounts, so it never paints unfitted.
 * The styles hold the page to one screen with no scrolling: without the fit that would hide
 * whatever does not fit, a red build as well, so they come only with it.
 */
export async function loadKiosk(): Promise<void> {
  if (!(await loadFit())) return
  await import('./kiosk.css?inline').then(
    (css) => addStyles(css.default),
    (error: unknown) => console.error('radiator: the kiosk styles did not load', error),
  )
}
