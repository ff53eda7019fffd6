import type { Filters } from '../domain/filters'

/** No filter: the page shows everything. */
export const NO_FILTERS: Filters = { repos: null, services: null, active: false, label: '' }

/**
 * The filters of the page address (`?repos=`, `?services=`, see domain/filters.ts). Most
 * addresses have none, so their parser is a chunk of its own, loaded only for an address that
 * names one; the page mounts once this settles, so its first paint is already filtered. If the
 * chunk does not load, the page shows everything rather than nothing.
 */
export function addressFilters(search: string): Promise<Filters> {
  const params = new URLSearchParams(search)
  if (!params.has('repos') && !params.has('services')) return Promise.resolve(NO_FILTERS)
  return import('../domain/filters').then(
    (filters) => filters.parseFilters(search),
    (error: unknown) => {
      console.error('radiator: the address filters did not load', error)
      return NO_FILTERS
    },
  )
}
