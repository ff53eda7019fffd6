// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ConnectionBadge from '../../src/components/ConnectionBadge.vue'
import WallHeader from '../../src/components/WallHeader.vue'
import { HOSTILE, NOW } from './fixtures'

describe('ConnectionBadge', () => {
  it.each([
    ['live', 42_000, '● live'],
    ['live', null, '● live'],
    ['connecting', null, '◌ connecting'],
    ['reconnecting', 12_000, '↻ reconnecting · 12 s'],
    ['stale', 42_000, '⚠ stale · 42 s'],
    ['offline', 3 * 60_000, '✕ offline · 3 min'],
    ['offline', null, '✕ offline'],
  ] as const)('%s with data %s ms old reads "%s"', (status, ageMs, text) => {
    const badge = mount(ConnectionBadge, { props: { status, ageMs } })
    expect(badge.get('[data-connection]').attributes('data-connection')).toBe(status)
    expect(badge.text()).toBe(text)
    expect(badge.get('[data-connection]').classes()).toContain(`is-${status}`)
  })
})

describe('WallHeader', () => {
  const props = {
    status: 'live' as const,
    ageMs: 0,
    counts: { builds: 12, pullRequests: 5, deployments: 24 },
    filterLabel: '',
    productionFailures: [] as string[],
    now: new Date(2026, 0, 10, 9, 7).getTime(),
  }

  it('is the banner with the title, the badge, counts per column and a clock', () => {
    const header = mount(WallHeader, { props })
    expect(header.get('header h1').text()).toBe('Radiator')
    expect(header.find('[data-connection="live"]').exists()).toBe(true)
    expect(header.findAll('.counts li').map((li) => li.text())).toEqual([
      'builds 12',
      'pull requests 5',
      'deployments 24',
    ])
    expect(header.get('time').text()).toBe('09:07')
    expect(header.find('[data-filter]').exists()).toBe(false)
    expect(header.find('[data-alarm]').exists()).toBe(false)
  })

  it('says when a filter is on, as text', () => {
    const header = mount(WallHeader, { props: { ...props, filterLabel: `repos: api, ${HOSTILE}` } })
    expect(header.get('[data-filter]').text()).toContain(`repos: api, ${HOSTILE}`)
    expect(header.element.querySelectorAll('img').length).toBe(0)
  })

  it('shouts a production failure', () => {
    const header = mount(WallHeader, { props: { ...props, productionFailures: ['billing', 'api'], now: NOW } })
    expect(header.get('[data-alarm="production"]').text()).toContain('PRODUCTION FAILED: billing, api')
  })
})
