/** The part of a list to render: indexes `first` (inclusive) to `end` (exclusive). */
export interface ListWindow {
  first: number
  end: number
}

export interface ListGeometry {
  /** Where the list's first item starts, in px from the top of the viewport (negative when scrolled past). */
  listTop: number
  viewHeight: number
  /** One item and the gap after it, in px: every item of the list is this tall. */
  pitch: number
  /** Rendered beyond each edge of the viewport, in px, so a scroll shows cards that are already there. */
  overscan: number
}

/** The items of a list of `count` equal items that lie within the viewport and its overscan. */
export function listWindow(count: number, { listTop, viewHeight, pitch, overscan }: ListGeometry): ListWindow {
  const known = pitch > 0 && Number.isFinite(listTop) && Number.isFinite(viewHeight) && overscan >= 0
  if (!known || count <= 0) return { first: 0, end: Math.max(0, count) }
  const first = clamp(Math.floor((-listTop - overscan) / pitch), 0, count)
  const end = clamp(Math.ceil((viewHeight - listTop + overscan) / pitch), first, count)
  return { first, end }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
