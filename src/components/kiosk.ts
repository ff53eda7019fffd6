import { kioskFit, loadFit } from './columnFit'
import { addStyles } from './lazyComponent'

/** `?kiosk` (any value) turns the page into the wall screen: dark, no cursor, everything fits. */
export function isKiosk(search: string): boolean {
  return new URLSearchParams(search).has('kiosk')
}

/**
 * What only the kiosk needs, one chunk of its own (kioskColumns.ts): its fit and its styles
 * (kiosk.css). main.ts waits for it before a kiosk mounts, so it never paints unfitted. The
 * styles hold the page to one screen with no scrolling: without the fit that would hide
 * whatever does not fit, a red build as well, so they come only with it.
 */
export async function loadKiosk(): Promise<void> {
  if (await loadFit()) addStyles(kioskFit()!.styles)
}
