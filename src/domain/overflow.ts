// What the columns of a kiosk show and say about the rest. The rules that decide it are the
// kiosk's alone (kioskFit.ts, overflowRules.ts), loaded by components/columnFit.ts: the laptop
// view shows every item.

/** What a column says about the items it had no room for. */
export interface OverflowSummary {
  hidden: number
  /** Hidden items per label: labels of hidden protected items first, then most frequent first (ties in first-seen order). */
  byLabel: [label: string, count: number][]
}

export interface Choice<T> {
  visible: T[]
  summary: OverflowSummary | null
}

export interface ChooseOptions<T> {
  /** Items that never give way to healthy ones: failing builds, failed deployments, ready or blocking PRs. */
  isProtected: (item: T) => boolean
  /** The word the summary counts the item under: "passing", "running". */
  label: (item: T) => string
  /**
   * How recent an item is; the least recent healthy items give way first. Defaults to
   * the list order (the first item is the newest).
   */
  recency?: (item: T) => number
}
