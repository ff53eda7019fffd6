import { shallowRef, type Component, type ShallowRef } from 'vue'

/** What a lazily loaded SFC module offers: the component, and its styles when it has any. */
export interface LazyModule {
  default: Component
  /** CSS that comes with the chunk (`?inline`), added to the document before the first render. */
  styles?: string
}

export interface LazyComponent {
  /** Null until the chunk has arrived. */
  component: ShallowRef<Component | null>
  /** Starts loading, once; after a failure the next call tries again. */
  load(): void
}

/**
 * A component fetched on first use, smaller than `defineAsyncComponent` (no loading or error
 * component, no timeout, no Suspense, none of which the page needs). Its styles travel inside
 * its chunk: Vite would split them into a CSS file that only its preload helper knows how to
 * load, and that helper is kept out of the entry (see plainDynamicImports in vite.config.ts).
 */
export function lazyComponent(
  loader: () => Promise<LazyModule>,
  onError: (error: unknown) => void = (error) => console.error('radiator: a part of the page did not load', error),
): LazyComponent {
  const component = shallowRef<Component | null>(null)
  let loading: Promise<void> | null = null
  return {
    component,
    load() {
      loading ??= loader().then(
        (module) => {
          if (module.styles) addStyles(module.styles)
          component.value = module.default
        },
        (error: unknown) => {
          loading = null
          onError(error)
        },
      )
    },
  }
}

/** Adds CSS that came inside a lazy chunk to the document. */
export function addStyles(css: string): void {
  const style = document.createElement('style')
  style.textContent = css
  document.head.append(style)
}
