import { afterEach, describe, expect, it, vi } from 'vitest'
import { addressFilters, NO_FILTERS } from '../../src/components/addressFilters'

// main.ts mounts the page once addressFilters settles: at once without filters in the address,
// after the parser's chunk with them, and unfiltered (not blank) if that chunk does not load.
// In order: the address without filters first, which must not ask for the chunk at all.

const chunk = vi.hoisted(() => ({ loads: 0, fails: false }))
vi.mock('../../src/domain/filters', async (importOriginal) => {
  chunk.loads++
  if (chunk.fails) throw new Error('chunk did not load')
  return importOriginal()
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('addressFilters', () => {
  it.each(['', '?kiosk', '?debug&kiosk=1', '?repository=api', '?x=repos'])(
    '%j has no filter: nothing to load',
    async (search) => {
      await expect(addressFilters(search)).resolves.toBe(NO_FILTERS)
      expect(chunk.loads).toBe(0)
    },
  )

  it('shows everything, and says why in the console, when the parser does not load', async () => {
    chunk.fails = true
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    await expect(addressFilters('?repos=api')).resolves.toBe(NO_FILTERS)
    expect(error).toHaveBeenCalledWith('radiator: the address filters did not load', expect.any(Error))
    chunk.fails = false
  })

  it.each([
    ['?repos=api,web-*', 'repos: api, web-*'],
    ['?kiosk&services=billing', 'services: billing'],
    ['?%72epos=api', 'repos: api'],
    ['?repos=', ''],
  ])('%j loads the parser and reads %j', async (search, label) => {
    const filters = await addressFilters(search)
    expect(filters.label).toBe(label)
    expect(filters.active).toBe(label !== '')
  })
})
