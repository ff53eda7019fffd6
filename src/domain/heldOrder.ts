/**
 * A column keeps its order for a while under a burst: at a thousand events a second every
 * card would move every frame, nobody could read the wall, and the browser would spend the
 * frame laying out and repainting whole columns. Cards still change in place at once; only
 * their places are held, and a new card goes where the column's own rule puts it among the
 * others.
 */

/**
 * `sorted` in the order of `held` (keys), with keys `held` lacks placed before the first
 * held row that follows them in `sorted`, and keys no longer present left out.
 */
export function arrangeHeld<T>(sorted: readonly T[], keyOf: (row: T) => string, held: readonly string[]): T[] {
  const byKey = new Map<string, T>()
  for (const row of sorted) byKey.set(keyOf(row), row)
  const heldSet = new Set(held)
  // New rows wait for the held row that comes after them in the column's own order.
  const before = new Map<string, T[]>()
  let waiting: T[] = []
  for (const row of sorted) {
    const key = keyOf(row)
    if (!heldSet.has(key)) {
      waiting.push(row)
    } else if (waiting.length > 0) {
      before.set(key, waiting)
      waiting = []
    }
  }
  const arranged: T[] = []
  for (const key of held) {
    const row = byKey.get(key)
    if (row === undefined) continue
    const newcomers = before.get(key)
    if (newcomers) arranged.push(...newcomers)
    arranged.push(row)
  }
  arranged.push(...waiting)
  return arranged
}

/** Whether two arrangements put the same keys in the same places. */
export function sameOrder<T>(a: readonly T[], b: readonly T[], keyOf: (row: T) => string): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (keyOf(a[i]!) !== keyOf(b[i]!)) return false
  return true
}
