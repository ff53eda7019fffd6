import type { Choice, ChooseOptions, OverflowSummary } from './overflow'

// The kiosk's fit, loaded before a kiosk mounts (components/columnFit.ts's loadFit); the laptop view never loads it.

export { DEPLOYMENT_ROW_RULES, PIPELINE_RULES, PULL_REQUEST_RULES } from './overflowRules'

/**
 * Picks what a column shows when it holds more than `capacity` items. Protected items
 * are kept first (the newest of them if even they do not fit), then the newest healthy
 * ones; the chosen items keep the list's order, and the rest are counted by label.
 */
export function chooseVisible<T>(items: readonly T[], capacity: number, options: ChooseOptions<T>): Choice<T> {
  const slots = Math.max(0, Math.floor(capacity))
  if (items.length <= slots) return { visible: [...items], summary: null }
  const ranked = items.map((item, index) => ({
    item,
    index,
    guarded: options.isProtected(item),
    recency: options.recency ? options.recency(item) : -index,
  }))
  ranked.sort((a, b) => Number(b.guarded) - Number(a.guarded) || b.recency - a.recency || a.index - b.index)
  const kept = new Set(ranked.slice(0, slots).map((r) => r.index))
  const visible: T[] = []
  const counts = new Map<string, number>()
  const alarming = new Set<string>()
  items.forEach((item, index) => {
    if (kept.has(index)) visible.push(item)
    else {
      const label = options.label(item)
      counts.set(label, (counts.get(label) ?? 0) + 1)
      if (options.isProtected(item)) alarming.add(label)
    }
  })
  // A protected item that did not fit is what the summary must not lose: its label leads, where
  // a summary cut at the column's edge still shows it.
  const byLabel = [...counts.entries()].sort(
    (a, b) => Number(alarming.has(b[0])) - Number(alarming.has(a[0])) || b[1] - a[1],
  )
  return {
    visible,
    summary: { hidden: items.length - visible.length, byLabel },
  }
}

/** "+14 more: 12 passing, 2 running" */
export function describeOverflow(summary: OverflowSummary, noun = ''): string {
  const head = `+${summary.hidden} more${noun ? ` ${noun}` : ''}`
  if (summary.byLabel.length === 0) return head
  return `${head}: ${summary.byLabel.map(([label, count]) => `${count} ${label}`).join(', ')}`
}

/** How many items of `item` px fit in `height` px with `gap` px between them. */
export function fitCount(height: number, item: number, gap: number): number {
  if (!(height > 0) || !(item > 0)) return 0
  // The epsilon absorbs floating-point error on an exact fit (rem sizes times a root font size).
  return Math.max(0, Math.floor((height + gap) / (item + gap) + 1e-9))
}

export interface SlotSizes {
  item: number
  gap: number
  /** Height of the summary line, which only takes room when something is hidden. */
  summary: number
}

/** Slots for a column of `count` items: all of it if it fits, else what fits beside the summary. */
export function capacityFor(count: number, height: number, sizes: SlotSizes): number {
  const all = fitCount(height, sizes.item, sizes.gap)
  if (count <= all) return all
  return fitCount(height - sizes.summary - sizes.gap, sizes.item, sizes.gap)
}

/**
 * Slots for a column of `count` items in a body `size.height` px tall, the items, gaps and
 * summary of `slot` given in rem of `size.rem` px, above them `slot.reserve` rem taken.
 */
export function capacityIn(
  count: number,
  size: { height: number; rem: number },
  slot: SlotSizes & { reserve: number },
): number {
  const px = (rem: number) => rem * size.rem
  return capacityFor(count, size.height - px(slot.reserve), {
    item: px(slot.item),
    gap: px(slot.gap),
    summary: px(slot.summary),
  })
}
