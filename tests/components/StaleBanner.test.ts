// @vitest-environment jsdom
import { createTestingPinia } from '@pinia/testing'
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import App from '../../src/App.vue'
import { useClockStore } from '../../src/stores/clock'
import { useConnectionStore } from '../../src/stores/connection'
import type { ConnectionStatus } from '../../src/stream/status'
import { NOW } from './fixtures'

vi.mock('../../src/stream/connect', () => ({
  connectBoard: vi.fn(() => Object.assign(() => {}, { stop: () => {} })),
}))

function mountWith(status: ConnectionStatus, ageMs: number, restored = false) {
  window.history.replaceState({}, '', '/')
  const pinia = createTestingPinia({ createSpy: vi.fn })
  const clock = useClockStore(pinia)
  clock.now = NOW
  clock.serverOffsetMs = 0
  const connection = useConnectionStore(pinia)
  connection.status = status
  connection.heartbeatMs = 15_000
  connection.lastDataAt = NOW - ageMs
  connection.restored = restored
  return { app: mount(App, { global: { plugins: [pinia] }, attachTo: document.body }), connection }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('stale board', () => {
  it('dims the board and says how old the data is once it is older than two heartbeats', () => {
    const { app } = mountWith('stale', 42_000)
    expect(app.find('main').attributes('data-stale')).toBe('true')
    expect(app.find('[data-stale-banner]').text()).toContain('Connection lost 42 s ago, reconnecting')
    app.unmount()
  })

  it('keeps a short blip undimmed, and live never stale', async () => {
    const { app, connection } = mountWith('reconnecting', 20_000)
    expect(app.find('main').attributes('data-stale')).toBe('false')
    expect(app.find('[data-stale-banner]').exists()).toBe(false)
    connection.status = 'live'
    connection.lastDataAt = NOW - 600_000
    await nextTick()
    expect(app.find('main').attributes('data-stale')).toBe('false')
    app.unmount()
  })

  it('marks a board restored from storage stale until the stream confirms it', async () => {
    const { app, connection } = mountWith('connecting', 3000, true)
    expect(app.find('main').attributes('data-stale')).toBe('true')
    expect(app.find('[data-stale-banner]').text()).toContain('Showing the board saved 3 s ago, connecting')
    connection.status = 'live'
    connection.restored = false
    await nextTick()
    expect(app.find('main').attributes('data-stale')).toBe('false')
    expect(app.find('[data-stale-banner]').exists()).toBe(false)
    app.unmount()
  })
})
