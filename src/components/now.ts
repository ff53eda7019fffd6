import { inject, shallowRef, type InjectionKey, type Ref } from 'vue'

/**
 * The page's one clock, handed to the cards as a ref rather than a prop: a card reads it inside
 * computeds, so when a second ticks it renders again only if a text it shows has changed. As a
 * prop, every card of the wall would render again every second, hundreds in one frame.
 */
export const NOW: InjectionKey<Readonly<Ref<number>>> = Symbol('now')

export function useNow(): Readonly<Ref<number>> {
  return inject(NOW, () => shallowRef(Date.now()), true)
}
