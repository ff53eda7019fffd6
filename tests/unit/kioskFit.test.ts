import { afterEach, expect, it, vi } from 'vitest'
import { chooseVisible, kioskFit, loadFit } from '../../src/components/columnFit'

// Only the kiosk fits its columns, so that code is a chunk of its own (kioskColumns.ts),
// which main.ts loads before a kiosk mounts. In order: before it has loaded, after a failed
// load, after a good one.

const chunk = vi.hoisted(() => ({ fails: false }))
vi.mock('../../src/components/kioskColumns', async (importOriginal) => {
  if (chunk.fails) throw new Error('chunk did not load')
  return importOriginal()
})

afterEach(() => {
  vi.restoreAllMocks()
})

const items = ['a', 'b', 'c', 'd']
const options = { isProtected: (item: string) => item === 'd', label: () => 'passing' }

it('shows every item until the fit has loaded (the laptop view never loads it)', () => {
  expect(kioskFit()).toBeNull()
  expect(chooseVisible(items, 2, () => options)).toEqual({ visible: items, summary: null })
})

it('shows every item, and says why in the console, when the fit does not load', async () => {
  chunk.fails = true
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  await loadFit()
  expect(error).toHaveBeenCalledWith('radiator: the kiosk fit did not load', expect.any(Error))
  expect(kioskFit()).toBeNull()
  expect(chooseVisible(items, 2, () => options).summary).toBeNull()
  chunk.fails = false
})

it('chooses what fits once the fit has loaded', async () => {
  await loadFit()
  expect(kioskFit()).not.toBeNull()
  expect(chooseVisible(items, 2, () => options)).toEqual({
    visible: ['a', 'd'],
    summary: { hidden: 2, byLabel: [['passing', 2]] },
  })
  expect(chooseVisible(items, Number.POSITIVE_INFINITY, () => options)).toEqual({ visible: items, summary: null })
})
