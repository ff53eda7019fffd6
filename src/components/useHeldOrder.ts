import { computed, onScopeDispose, shallowRef, type ComputedRef } from 'vue'
import { arrangeHeld, sameOrder } from '../domain/heldOrder'

/** How long a column keeps its order while events keep coming. */
export const ORDER_HOLD_MS = 1000

/**
 * The rows of `sorted` in an order re-sorted at most once per `holdMs`: the first change
 * after a quiet spell re-sorts at once, later ones within the hold keep the places and one
 * timer re-sorts when the hold ends.
 */
export function useHeldOrder<T>(
  sorted: () => readonly T[],
  keyOf: (row: T) => string,
  holdMs = ORDER_HOLD_MS,
  now: () => number = () => performance.now(),
): ComputedRef<readonly T[]> {
  const resortTick = shallowRef(0)
  let held: readonly string[] | null = null
  let heldAt = Number.NEGATIVE_INFINITY
  let timer: ReturnType<typeof setTimeout> | null = null

  function resortWhenHoldEnds(at: number): void {
    if (timer !== null) return
    timer = setTimeout(
      () => {
        timer = null
        resortTick.value++
      },
      Math.max(0, heldAt + holdMs - at),
    )
  }
  onScopeDispose(() => {
    if (timer !== null) clearTimeout(timer)
  })

  return computed(() => {
    void resortTick.value
    const rows = sorted()
    const at = now()
    if (held === null || at - heldAt >= holdMs) {
      held = rows.map(keyOf)
      heldAt = at
      return rows
    }
    const arranged = arrangeHeld(rows, keyOf, held)
    held = arranged.map(keyOf)
    if (!sameOrder(arranged, rows, keyOf)) resortWhenHoldEnds(at)
    return arranged
  })
}
