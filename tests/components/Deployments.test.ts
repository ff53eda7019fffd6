// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import DeploymentCell from '../../src/components/DeploymentCell.vue'
import DeploymentsColumn from '../../src/components/DeploymentsColumn.vue'
import { deploymentGrid } from '../../src/domain/columns'
import type { Deployment } from '../../src/protocol'
import { HOSTILE, MIN, NOW, iso, makeDeployment, provideNow } from './fixtures'

const mountCell = (over: Partial<Deployment> = {}, driftFrom: string | null = null) =>
  mount(DeploymentCell, { props: { deployment: makeDeployment(over), driftFrom }, global: provideNow(NOW).global })

describe('DeploymentCell', () => {
  it('shows version, who deployed it, when, and the state', () => {
    const cell = mountCell()
    const root = cell.get('[data-kind="deployment"]')
    expect(root.attributes()).toMatchObject({ 'data-id': 'd1', 'data-status': 'succeeded', 'data-rollout': '100' })
    expect(cell.get('.head .version').text()).toBe('1.2.3')
    expect(cell.get('.state').text()).toBe('live')
    expect(cell.get('.by').text()).toBe('carol')
    expect(cell.get('.when').text()).toBe('15 min')
    expect(cell.get('.when').attributes('title')).toBe('15 min ago')
  })

  it('shows a rollout in progress with its percentage, text and bar', async () => {
    const cell = mountCell({ status: 'in_progress', rolloutPercent: 42.4, finishedAt: null })
    expect(cell.get('[data-kind="deployment"]').attributes('data-rollout')).toBe('42')
    expect(cell.get('.head .tag').text()).toBe('▶ 42%')
    expect(cell.get('.state').text()).toBe('rolling out 42%')
    expect((cell.get('.progress .bar').element as HTMLElement).style.transform).toBe('scaleX(0.42)')
    await cell.setProps({ deployment: makeDeployment({ status: 'in_progress', rolloutPercent: 77, finishedAt: null }) })
    expect(cell.get('[data-kind="deployment"]').attributes('data-rollout')).toBe('77')
    expect((cell.get('.progress .bar').element as HTMLElement).style.transform).toBe('scaleX(0.77)')
  })

  it.each([
    ['failed', '✕ FAILED'],
    ['rolled_back', '↶ ROLLED BACK'],
  ] as const)('leads a %s cell with its word', (status, label) => {
    const cell = mountCell({ status, environment: 'staging' })
    expect(cell.get('.head .tag').text()).toBe(label)
    expect(cell.get('.meta .version').text()).toBe('1.2.3')
    expect(cell.get('[data-kind="deployment"]').classes()).toContain(`is-${status}`)
    expect(cell.get('[data-kind="deployment"]').classes()).not.toContain('is-prod-failure')
    // Which version failed or went back matters more than who deployed it: the line is the versions'.
    expect(cell.find('.by').exists()).toBe(false)
  })

  it('says which version a rollback went back to', () => {
    expect(mountCell({ status: 'rolled_back', previousVersion: '1.1.0' }).get('.meta .state').text()).toBe('→ 1.1.0')
  })

  it('makes a production failure the loudest thing', () => {
    const cell = mountCell({ status: 'failed', environment: 'production' })
    expect(cell.get('[data-kind="deployment"]').classes()).toContain('is-prod-failure')
  })

  it('marks a production version that differs from staging', () => {
    const cell = mountCell({ environment: 'production', version: '1.0.0' }, '1.2.0')
    const root = cell.get('[data-kind="deployment"]')
    expect(root.attributes('data-drift')).toBe('true')
    expect(cell.get('.drift').text()).toContain('≠')
    expect(cell.get('.drift').text()).toContain('differs from staging 1.2.0')
    expect(mountCell().find('.drift').exists()).toBe(false)
    expect(mountCell().get('[data-kind="deployment"]').attributes('data-drift')).toBeUndefined()
  })

  it.each([
    ['queued', '◷', 'queued'],
    ['succeeded', '✓', 'live'],
  ] as const)('a %s cell has a glyph and a word', (status, glyph, word) => {
    const cell = mountCell({ status })
    expect(cell.get('.head .tag').text()).toBe(glyph)
    expect(cell.get('.state').text()).toBe(word)
  })

  it('renders hostile text as inert text', () => {
    const cell = mountCell({ version: HOSTILE, deployedBy: HOSTILE, previousVersion: HOSTILE, status: 'rolled_back' })
    expect(cell.element.querySelectorAll('img, script').length).toBe(0)
    expect(cell.get('.meta .version').text()).toBe(HOSTILE)
  })
})

describe('DeploymentsColumn', () => {
  const deployments = [
    makeDeployment({ id: 'b-s', service: 'billing', environment: 'staging', version: '2.0.0' }),
    makeDeployment({ id: 'b-p', service: 'billing', environment: 'production', version: '1.9.0', status: 'failed' }),
    makeDeployment({ id: 'a-s', service: 'api', environment: 'staging', updatedAt: iso(NOW - MIN) }),
    makeDeployment({ id: 'a-c', service: 'api', environment: 'canary', status: 'in_progress', rolloutPercent: 30 }),
  ]
  const mountColumn = () =>
    mount(DeploymentsColumn, {
      props: { grid: deploymentGrid(deployments), fit: false },
      global: provideNow(NOW).global,
    })

  it('counts every deployment it holds and shows one row per service, staging beside production', () => {
    const column = mountColumn()
    const section = column.get('[data-column="deployments"]')
    expect(section.attributes('data-count')).toBe('4')
    expect(column.findAll('thead th').map((th) => th.text())).toEqual(['service', 'staging', 'production', 'canary'])
    const rows = column.findAll('tbody tr')
    expect(rows.map((tr) => tr.get('th bdi').text())).toEqual(['api', 'billing'])
    expect(rows.map((tr) => tr.find('.drift-mark').exists())).toEqual([false, true])
    const ids = rows[0]!.findAll('td').map((td) => {
      const cell = td.find('[data-kind="deployment"]')
      return cell.exists() ? cell.attributes('data-id') : null
    })
    expect(ids).toEqual(['a-s', null, 'a-c'])
    expect(rows[0]!.findAll('td')[1]!.text()).toContain('not deployed')
  })

  it('gives the production cell of a drifting service its marker, and the failing row its alarm', () => {
    const column = mountColumn()
    const prod = column.get('[data-id="b-p"]')
    expect(prod.attributes('data-drift')).toBe('true')
    expect(prod.classes()).toContain('is-prod-failure')
    expect(column.get('[data-id="b-s"]').attributes('data-drift')).toBeUndefined()
    expect(column.get('tr.has-prod-failure th').text()).toContain('billing')
    expect(column.get('.column-alert.fail').text()).toBe('✕ 1 failed')
    expect(column.get('.column-alert.rolling').text()).toBe('▶ 1 rolling out')
  })

  it('is a labelled section', () => {
    const section = mountColumn().get('section')
    const heading = section.get('h2')
    expect(section.attributes('aria-labelledby')).toBe(heading.attributes('id'))
  })
})

describe('the main text hook', () => {
  it('marks the one line a reader sees first, for the text-size checks', () => {
    expect(mountCell().findAll('.card-main')).toHaveLength(1)
    expect(mountCell().get('.card-main').text()).toContain('1.2.3')
  })
})
