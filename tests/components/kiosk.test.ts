// @vitest-environment jsdom
import { afterEach, expect, it } from 'vitest'
import { loadKiosk } from '../../src/components/kiosk'
import { chooseVisible, kioskFit } from '../../src/components/columnFit'

// What only the kiosk needs comes in chunks of their own, which main.ts waits for before a
// kiosk mounts: its fit and its styles (root font, no cursor, one screen, the overflow summary).

afterEach(() => {
  document.head.innerHTML = ''
})

it('loads the fit and adds the kiosk styles before the kiosk mounts', async () => {
  expect(kioskFit()).toBeNull()
  await loadKiosk()
  expect(kioskFit()).not.toBeNull()
  expect(chooseVisible([1, 2, 3], 1, { isProtected: () => false, label: () => 'passing' }).summary?.hidden).toBe(2)
  const css = [...document.head.querySelectorAll('style')].map((style) => style.textContent).join('\n')
  expect(css).toContain('html.kiosk')
  expect(css).toContain('.overflow')
})
