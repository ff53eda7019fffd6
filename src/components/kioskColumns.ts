import type { ShallowRef } from 'vue'
import { capacityIn } from '../domain/kioskFit'
import { rootFontPx, type SlotRem } from './sizes'
import type { BodySize } from './useCapacity'
import kioskStyles from './kiosk.css?inline'

// The kiosk's side of the columns, one chunk with its fit (columnFit.ts's loadFit): the rules of
// domain/kioskFit.ts, measuring a column's body, which only a fitted column does, and the
// kiosk's styles (kiosk.ts adds them).

export * from '../domain/kioskFit'

/** kiosk.css as text, so the kiosk's styles arrive with its fit in one chunk instead of a second request. */
export const styles: string = kioskStyles

/**
 * How many items a fitted column of `count` holds in its measured body: none before the body
 * is measured (cards mounted before the first measurement would only be thrown away), and all
 * of them where the browser cannot measure.
 */
export function capacityOf(count: number, size: BodySize | null, slot: SlotRem): number {
  if (typeof ResizeObserver === 'undefined') return Number.POSITIVE_INFINITY
  return size ? capacityIn(count, size, slot) : 0
}

/**
 * Keeps `measured` at the body's content height and the root font size, written only when one
 * of them changes; returns the function that stops observing. One observer per column: the
 * viewport, the root font and the header all show up as a new body height.
 */
export function observeBody(body: HTMLElement, measured: ShallowRef<BodySize | null>): () => void {
  if (typeof ResizeObserver === 'undefined') return () => {}
  const observer = new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1]
    if (!entry) return
    const size = { height: entry.contentRect.height, rem: rootFontPx() }
    const last = measured.value
    if (!last || last.height !== size.height || last.rem !== size.rem) measured.value = size
  })
  observer.observe(body)
  return () => observer.disconnect()
}
