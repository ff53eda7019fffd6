// @vitest-environment jsdom
import { createTestingPinia } from '@pinia/testing'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import App from '../../src/App.vue'
import { useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { NOW, makeBuild } from './fixtures'

// The log panel and the debug overlay are chunks of their own, loaded on first use: they
// must still appear, styled, when asked for.

vi.mock('../../src/stream/connect', () => {
  const stop = vi.fn()
  return {
    connectBoard: vi.fn(() => Object.assign(stop, { stop })),
    activeFollows: vi.fn(async () => ({
      follow: vi.fn(async () => true),
      unfollow: vi.fn(async () => true),
      onLog: vi.fn(() => () => {}),
    })),
  }
})

function mountApp(search = '') {
  window.history.replaceState({}, '', `/${search}`)
  const pinia = createTestingPinia({ createSpy: vi.fn, stubActions: false })
  useBoardStore(pinia).builds = new Map([['api-1', makeBuild({ id: 'api-1', repo: 'api' })]])
  useClockStore(pinia).now = NOW
  return mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
}

afterEach(() => {
  document.body.innerHTML = ''
  document.head.innerHTML = ''
})

describe('App, lazily loaded parts', () => {
  it('loads the log panel, with its styles, when a build is opened', async () => {
    const app = mountApp()
    expect(app.find('[data-log]').exists()).toBe(false)
    await app.get('[data-id="api-1"]').trigger('click')
    await vi.dynamicImportSettled()
    await flushPromises()
    expect(app.get('[data-log]').attributes('data-build-id')).toBe('api-1')
    expect(document.head.querySelector('style')?.textContent).toContain('.log-panel')
    await app.get('.log-close').trigger('click')
    expect(app.find('[data-log]').exists()).toBe(false)
    app.unmount()
  })

  it('loads the debug overlay only with ?debug', async () => {
    const plain = mountApp()
    await vi.dynamicImportSettled()
    await flushPromises()
    expect(plain.find('[data-debug]').exists()).toBe(false)
    plain.unmount()
    const debug = mountApp('?debug')
    await vi.dynamicImportSettled()
    await flushPromises()
    expect(debug.find('[data-debug]').exists()).toBe(true)
    expect(document.head.querySelector('style')?.textContent).toContain('.debug')
    debug.unmount()
  })
})
