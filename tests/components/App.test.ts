// @vitest-environment jsdom
import { createTestingPinia } from '@pinia/testing'
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import App from '../../src/App.vue'
import { parseFilters } from '../../src/domain/filters'
import { useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { useConnectionStore } from '../../src/stores/connection'
import { MIN, NOW, iso, makeBuild, makeDeployment, makePr } from './fixtures'

const stop = vi.fn()
vi.mock('../../src/stream/connect', () => ({
  connectBoard: vi.fn(() => Object.assign(stop, { stop })),
}))
const { connectBoard } = await import('../../src/stream/connect')

function mountApp(search = '') {
  window.history.replaceState({}, '', `/${search}`)
  const pinia = createTestingPinia({ createSpy: vi.fn })
  const board = useBoardStore(pinia)
  const builds = [makeBuild({ id: 'api-1', repo: 'api' }), makeBuild({ id: 'web-1', repo: 'web', status: 'failed' })]
  const prs = [
    makePr({ id: 'p1', repo: 'api' }),
    makePr({ id: 'p2', repo: 'web' }),
    makePr({ id: 'gone', repo: 'api', state: 'merged', updatedAt: iso(NOW - 5 * MIN) }),
  ]
  const deployments = [
    makeDeployment({ id: 'd1', service: 'billing', environment: 'staging' }),
    makeDeployment({ id: 'd2', service: 'billing', environment: 'production', status: 'failed' }),
    makeDeployment({ id: 'd3', service: 'search', environment: 'production' }),
  ]
  board.builds = new Map(builds.map((b) => [b.id, b]))
  board.pullRequests = new Map(prs.map((p) => [p.id, p]))
  board.deployments = new Map(deployments.map((d) => [d.id, d]))
  useClockStore(pinia).now = NOW
  const connection = useConnectionStore(pinia)
  connection.status = 'stale'
  connection.lastDataAt = NOW - 42_000
  // main.ts reads the address's filters before it mounts the page (components/addressFilters.ts).
  const filters = parseFilters(search)
  return mount(App, { props: { filters }, global: { plugins: [pinia] }, attachTo: document.body })
}

beforeEach(() => {
  stop.mockClear()
  vi.mocked(connectBoard).mockClear()
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('App', () => {
  it('connects in setup and stops on unmount', () => {
    const app = mountApp()
    expect(connectBoard).toHaveBeenCalledTimes(1)
    expect(connectBoard).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/stream',
        persist: {},
        selfUpdate: expect.objectContaining({ kiosk: false }),
      }),
    )
    app.unmount()
    expect(stop).toHaveBeenCalledTimes(1)
  })

  it('lays out a header and the three columns with their counts', () => {
    const app = mountApp()
    expect(app.find('header').exists()).toBe(true)
    expect(app.find('main').exists()).toBe(true)
    const counts = ['builds', 'pull-requests', 'deployments'].map((c) =>
      app.get(`[data-column="${c}"]`).attributes('data-count'),
    )
    // the merged PR left five minutes ago: no longer in view
    expect(counts).toEqual(['2', '2', '3'])
    expect(app.get('[data-connection]').text()).toBe('⚠ stale · 42 s')
    expect(app.get('[data-alarm="production"]').text()).toContain('billing')
    expect(app.find('[data-filter]').exists()).toBe(false)
  })

  it('applies the filters of the address and says so', () => {
    const app = mountApp('?repos=api&services=search')
    expect(app.get('[data-column="builds"]').attributes('data-count')).toBe('1')
    expect(app.get('[data-column="pull-requests"]').attributes('data-count')).toBe('1')
    expect(app.get('[data-column="deployments"]').attributes('data-count')).toBe('1')
    expect(app.get('[data-filter]').text()).toContain('repos: api')
  })

  it('follows the store when a new batch replaces a map', async () => {
    const app = mountApp()
    const board = useBoardStore()
    const next = new Map(board.builds)
    next.set('db-1', makeBuild({ id: 'db-1', repo: 'db', status: 'running', finishedAt: null }))
    board.builds = next
    await nextTick()
    expect(app.get('[data-column="builds"]').attributes('data-count')).toBe('3')
    expect(app.find('[data-id="db-1"][data-status="running"]').exists()).toBe(true)
  })

  it('remembers which build was clicked, for the log panel to come', async () => {
    const app = mountApp()
    await app.get('[data-id="web-1"]').trigger('click')
    expect(app.get('main').attributes('data-selected-build')).toBe('web-1')
  })
})

describe('isKiosk', () => {
  it.each([
    ['?kiosk', true],
    ['?kiosk=1', true],
    ['?repos=api&kiosk', true],
    ['?repos=kiosk', false],
    ['', false],
  ])('%s -> %s', async (search, kiosk) => {
    const { isKiosk } = await import('../../src/components/kiosk')
    expect(isKiosk(search)).toBe(kiosk)
  })
})
