import { computed, shallowRef, watch, type ComputedRef, type ShallowRef } from 'vue'
import { kioskFit } from './columnFit'
import type { SlotRem } from './sizes'

export interface BodySize {
  /** Content height of the column body in px. */
  height: number
  /** The root font size in px, which rem sizes scale with. */
  rem: number
}

/**
 * How many items a column shows: all of them off the kiosk (the page scrolls there),
 * else what its measured body holds, and none before it is measured: the body's first
 * measurement comes before the first paint, and cards mounted before it would only be thrown
 * away (all of them, when the snapshot is first). All of them also where the kiosk's fit did
 * not load or the browser cannot measure. `body` is the column body's template ref, which a
 * fitted column observes.
 */
export function useCapacity(
  count: () => number,
  slot: SlotRem,
  fit: () => boolean,
): { capacity: ComputedRef<number>; body: ShallowRef<HTMLElement | null> } {
  const measured = shallowRef<BodySize | null>(null)
  const body = shallowRef<HTMLElement | null>(null)
  const capacity = computed(() => {
    const kiosk = kioskFit()
    return fit() && kiosk ? kiosk.capacityOf(count(), measured.value, slot) : Number.POSITIVE_INFINITY
  })
  // Observed while the body exists: Vue sets the ref at mount and clears it at unmount, and a
  // sync watcher sees both at once, so the first measurement still comes before the first paint.
  watch(
    body,
    (el, _old, onCleanup) => {
      const kiosk = kioskFit()
      if (el && fit() && kiosk) onCleanup(kiosk.observeBody(el, measured))
    },
    { flush: 'sync' },
  )
  return { capacity, body }
}
