import { computed, shallowRef, type ComputedRef } from 'vue'
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
 * else what its measured body holds.
 */
export function useCapacity(
  count: () => number,
  slot: SlotRem,
  fit: () => boolean,
): { capacity: ComputedRef<number>; onResize: (size: BodySize) => void } {
  const measured = shallowRef<BodySize | null>(null)
  const capacity = computed(() => {
    const size = measured.value
    const kiosk = kioskFit()
    return fit() && size && kiosk ? kiosk.capacityIn(count(), size, slot) : Number.POSITIVE_INFINITY
  })
  return {
    capacity,
    onResize: (size: BodySize) => {
      const last = measured.value
      if (!last || last.height !== size.height || last.rem !== size.rem) measured.value = size
    },
  }
}
