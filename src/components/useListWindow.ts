import { computed, onScopeDispose, shallowRef, watch, type ComputedRef, type ShallowRef } from 'vue'
import { listWindow } from '../domain/listWindow'
import { rootFontPx, type SlotRem } from './sizes'

export interface RenderedWindow<T> {
  /** The items to render. */
  shown: ComputedRef<readonly T[]>
  /** Padding that stands in for the items before and after the window, so the page keeps its full height. */
  padding: ComputedRef<{ paddingTop: string; paddingBottom: string }>
  /** Bind to the list element in the template (`ref="list"`): its position is what is measured. */
  list: ShallowRef<HTMLElement | null>
}

interface Measured {
  listTop: number
  viewHeight: number
  rem: number
}

/** Before the first measurement: a screenful from the top. */
const UNMEASURED: Measured = { listTop: 0, viewHeight: 1200, rem: 16 }

/**
 * The scrolling (laptop) view renders only the cards of a column that are on screen or within
 * half a screen of it: a wall of a thousand cards would otherwise patch, style and lay out every
 * one of them on each event. Items are all `slot.item` tall, so the window follows from the
 * scroll position alone. Off (`enabled` false) the whole list renders, as the kiosk's capacity
 * chose it.
 */
export function useListWindow<T>(items: () => readonly T[], slot: SlotRem, enabled: () => boolean): RenderedWindow<T> {
  const list = shallowRef<HTMLElement | null>(null)
  const count = () => items().length
  const measured = shallowRef<Measured>(UNMEASURED)
  const pitchRem = slot.item + slot.gap

  const range = computed(() => {
    const n = count()
    if (!enabled()) return { first: 0, end: n }
    const { listTop, viewHeight, rem } = measured.value
    return listWindow(n, { listTop, viewHeight, pitch: pitchRem * rem, overscan: viewHeight / 2 })
  })
  // Numbers, so the column re-renders only when the window moves by a whole item.
  const first = computed(() => range.value.first)
  const end = computed(() => range.value.end)
  const rem = (items: number) => `${Math.round(items * pitchRem * 1000) / 1000}rem`
  const padding = computed(() => ({ paddingTop: rem(first.value), paddingBottom: rem(count() - end.value) }))

  let frame = 0
  function measure(): void {
    frame = 0
    const el = list.value
    if (!el || !enabled()) return
    const next = { listTop: el.getBoundingClientRect().top, viewHeight: window.innerHeight, rem: rootFontPx() }
    const last = measured.value
    if (last.listTop !== next.listTop || last.viewHeight !== next.viewHeight || last.rem !== next.rem) {
      measured.value = next
    }
  }
  // At most one measurement per frame however many scroll events arrive.
  function schedule(): void {
    if (frame === 0) frame = requestAnimationFrame(measure)
  }
  // Measured as soon as Vue sets the list's ref at mount (a sync watcher: before the first paint).
  watch(list, () => measure(), { flush: 'sync' })
  window.addEventListener('scroll', schedule, { passive: true })
  window.addEventListener('resize', schedule, { passive: true })
  onScopeDispose(() => {
    window.removeEventListener('scroll', schedule)
    window.removeEventListener('resize', schedule)
    if (frame !== 0) cancelAnimationFrame(frame)
  })
  const shown = computed(() => items().slice(first.value, end.value))
  return { shown, padding, list }
}
