/**
 * A column keeps its order for a while under a burst: at a thousand events a second every
 * card would move every frame, nobody could read the wall, and the browser would spend the
 * frame laying out and repainting whole columns. Cards still change in place at once; only
 * their places are held. A new card joins at the end of the column until the next re-sort,
 * at most one hold later: placed among the others it would push every card below it down a
 * place, and under a burst that was most of the page's work (docs/performance.md).
 */

/**
 * `sorted` in the order of `held` (keys), then the keys `held` lacks in their sorted order;
 * keys no longer present are left out.
 */
export function arrangeHeld<T>(sorted: readonly T[], keyOf: (row: T) => string, held: readonly string[]): T[] {
  const byKey = new Map<string, T>()
  for (const row of sorted) byKey.set(keyOf(row), row)
  const arranged: T[] = []
  for (const key of held) {
    const row = byKey.get(key)
    if (row !== undefined) arranged.push(row)
  }
  const heldKeys = new Set(held)
  for (const row of sorted) if (!heldKeys.has(keyOf(row))) arranged.push(row)
  return arranged
}

/** Whether two arrangements put the same keys in the same places. */
export function sameOrder<T>(a: readonly T[], b: readonly T[], keyOf: (row: T) => string): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (keyOf(a[i]!) !== keyOf(b[i]!)) return false
  return true
}
