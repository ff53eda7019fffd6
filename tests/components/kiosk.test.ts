// @vitest-environment jsdom
import { afterEach, expect, it, vi } from 'vitest'
import { loadKiosk } from '../../src/components/kiosk'
import { chooseVisible, kioskFit } from '../../src/components/columnFit'

// What only the kiosk needs comes in a chunk of its own, which main.ts waits for before a
// kiosk mounts: its fit and its styles (root font, no cursor, one screen, the overflow summary).

const chunk = vi.hoisted(() => ({ fails: false }))
vi.mock('../../src/components/kioskColumns', async (importOriginal) => {
  if (chunk.fails) throw new Error('chunk did not load')
  return importOriginal()
})

afterEach(() => {
  document.head.innerHTML = ''
  vi.restoreAllMocks()
})

// First: a fit that loaded once stays loaded for the rest of the file.
it('adds no kiosk styles when the fit did not load: one screen with no scrolling would hide what does not fit', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  chunk.fails = true
  await loadKiosk()
  chunk.fails = false
  expect(kioskFit()).toBeNull()
  expect(document.head.querySelectorAll('style')).toHaveLength(0)
})

it('loads the fit and adds the kiosk styles before the kiosk mounts', async () => {
  expect(kioskFit()).toBeNull()
  await loadKiosk()
  expect(kioskFit()).not.toBeNull()
  expect(
    chooseVisible([1, 2, 3], 1, () => ({ isProtected: () => false, label: () => 'passing' })).summary?.hidden,
  ).toBe(2)
  const css = [...document.head.querySelectorAll('style')].map((style) => style.textContent).join('\n')
  expect(css).toContain('html.kiosk')
  expect(css).toContain('.overflow')
})
