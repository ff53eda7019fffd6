import type { StyleValue } from 'vue'

/** Heights in rem of what a column stacks; the CSS reads them, the capacity sums them. */
export interface SlotRem {
  item: number
  gap: number
  summary: number
  /** Room taken above the items, such as a table's head row. */
  reserve: number
}

const GAP = 0.3
const SUMMARY = 1.6

export const BUILD_SLOT: SlotRem = { item: 3.95, gap: GAP, summary: SUMMARY, reserve: 0 }
export const PULL_REQUEST_SLOT: SlotRem = { item: 3.95, gap: GAP, summary: SUMMARY, reserve: 0 }
// Table rows carry their gap as padding, half above and half below: one more gap in total.
export const DEPLOYMENT_SLOT: SlotRem = { item: 3.1, gap: GAP, summary: SUMMARY, reserve: 1.5 + GAP }

export function slotStyle(slot: SlotRem): StyleValue {
  return {
    '--item-h': `${slot.item}rem`,
    '--gap': `${slot.gap}rem`,
    '--summary-h': `${slot.summary}rem`,
    '--reserve-h': `${slot.reserve}rem`,
  }
}

/** The root font size in px, which every rem size scales with (16 where the browser gives none, as in jsdom). */
export function rootFontPx(): number {
  const px = Number.parseFloat(getComputedStyle(document.documentElement).fontSize)
  return px > 0 ? px : 16
}
