// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import PullRequestCard from '../../src/components/PullRequestCard.vue'
import type { PullRequest } from '../../src/protocol'
import { HOSTILE, MIN, NOW, iso, makePr, provideNow } from './fixtures'

const mountCard = (over: Partial<PullRequest> = {}, ready = false, blocks = 0) =>
  mount(PullRequestCard, { props: { pr: makePr(over), ready, blocks }, global: provideNow(NOW).global })

describe('PullRequestCard', () => {
  it('carries the hooks of an ordinary open PR', () => {
    const root = mountCard().get('[data-kind="pull-request"]')
    expect(root.attributes()).toMatchObject({
      'data-id': 'pr1',
      'data-status': 'open',
      'data-ready': 'false',
      'data-blocking': 'false',
    })
  })

  it('shows repository, number, title, author and age', () => {
    const text = mountCard().text()
    expect(text).toContain('api')
    expect(text).toContain('#7')
    expect(text).toContain('Add a feature')
    expect(text).toContain('by bob')
    expect(text).toContain('3 h')
  })

  it('marks the title as its main text', () => {
    expect(mountCard().get('.card-main').text()).toBe('Add a feature')
  })

  it('glows when ready to merge', () => {
    const card = mountCard({ checks: 'passing' }, true)
    const root = card.get('[data-kind="pull-request"]')
    expect(root.attributes('data-ready')).toBe('true')
    expect(root.classes()).toContain('is-ready')
    expect(card.get('.ready-tag').text()).toContain('READY TO MERGE')
  })

  it('says how many PRs it blocks', () => {
    const card = mountCard({}, false, 2)
    expect(card.get('[data-kind="pull-request"]').attributes('data-blocking')).toBe('true')
    expect(card.get('.block-tag').text()).toContain('blocks 2')
  })

  it('marks a draft', () => {
    const card = mountCard({ draft: true })
    expect(card.get('.draft-tag').text()).toBe('DRAFT')
    expect(card.get('[data-kind="pull-request"]').classes()).toContain('is-draft')
    expect(mountCard().find('.draft-tag').exists()).toBe(false)
  })

  it.each([
    ['merged', 'MERGED'],
    ['closed', 'CLOSED'],
  ] as const)('labels a %s PR and says when', (state, word) => {
    const card = mountCard({ state, updatedAt: iso(NOW - 12_000) })
    expect(card.get('[data-kind="pull-request"]').attributes('data-status')).toBe(state)
    expect(card.get('.closed-tag').text()).toBe(word)
    expect(card.get('.age').text()).toBe('· 12 s ago')
  })

  it('lists each reviewer with a glyph and the state in words', () => {
    const card = mountCard({
      reviewers: [
        { login: 'ann', state: 'approved' },
        { login: 'ben', state: 'changes_requested' },
        { login: 'cy', state: 'commented' },
        { login: 'dee', state: 'pending' },
      ],
    })
    const items = card.findAll('.reviewers li')
    expect(items.map((li) => li.text())).toEqual([
      '✓approved: ann',
      '✕changes requested: ben',
      '✎commented: cy',
      '○review pending: dee',
    ])
    expect(items[1]!.classes()).toContain('review-changes_requested')
  })

  it.each([
    [[], 2, '0/2 approvals', false],
    [[{ login: 'a', state: 'approved' as const }], undefined, '1/2 approvals', false],
    [[{ login: 'a', state: 'approved' as const }], 1, '1/1 approvals', true],
  ])('shows approvals against required (%j, %s)', (reviewers, requiredApprovals, text, enough) => {
    const card = mountCard({ reviewers, requiredApprovals })
    expect(card.get('.approvals').text()).toBe(text)
    expect(card.get('.approvals').classes().includes('enough')).toBe(enough)
  })

  it.each([
    ['passing', '✓ CI passing'],
    ['failing', '✕ CI failing'],
    ['pending', '◷ CI running'],
    ['none', '– no CI'],
  ] as const)('shows CI %s', (checks, text) => {
    expect(mountCard({ checks }).get('.checks').text()).toBe(text)
  })

  it('renders hostile text as inert text', () => {
    const card = mountCard({
      title: HOSTILE,
      author: HOSTILE,
      repo: HOSTILE,
      reviewers: [{ login: HOSTILE, state: 'approved' }],
    })
    expect(card.element.querySelectorAll('img, script').length).toBe(0)
    expect(card.get('.title').text()).toBe(HOSTILE)
  })

  it('isolates right-to-left text', () => {
    const card = mountCard({ title: 'تحديث واجهة المستخدم', createdAt: iso(NOW - 5 * MIN) })
    expect(card.get('.title').element.tagName).toBe('BDI')
  })
})
