import type { ChooseOptions, Choice, OverflowSummary } from '../domain/overflow'

// Wiring, apart from the rules in domain/: which of the kiosk's rules a column can use yet.

type KioskFit = typeof import('./kioskColumns')

let fit: KioskFit | null = null

/**
 * Loads the kiosk's fit (kioskColumns.ts with domain/kioskFit.ts: which items a column shows,
 * what the summary of the rest says, how many items a column has room for, measuring its
 * body). Only the kiosk fits its columns, so this is a chunk of its own, which main.ts waits for
 * before a kiosk mounts: its first paint is fitted. Resolves false if the chunk does not load:
 * the kiosk then shows every item, as the laptop view does.
 */
export function loadFit(): Promise<boolean> {
  return import('./kioskColumns').then(
    (module) => {
      fit = module
      return true
    },
    (error: unknown) => {
      console.error('radiator: the kiosk fit did not load', error)
      return false
    },
  )
}

/** The kiosk's fit once loadFit has loaded it, else null. */
export const kioskFit = () => fit

/**
 * Picks what a column shows when it holds more than `capacity` items (kioskFit.ts), by the
 * column's `rules`, which come with the fit. A finite capacity comes only from a kiosk's fit
 * (useCapacity); without it every item shows.
 */
export function chooseVisible<T>(
  items: readonly T[],
  capacity: number,
  rules: (kiosk: KioskFit) => ChooseOptions<T>,
): Choice<T> {
  return fit ? fit.chooseVisible(items, capacity, rules(fit)) : { visible: [...items], summary: null }
}

/** What a fitted column's summary says; only a fitted column has one, so the fit is loaded. */
export function overflowText(summary: OverflowSummary, noun?: string): string {
  return fit!.describeOverflow(summary, noun)
}
