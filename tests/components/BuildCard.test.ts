// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import BuildCard from '../../src/components/BuildCard.vue'
import { HOSTILE, MIN, NOW, iso, makeBuild, provideNow } from './fixtures'

const mountCard = (over = {}, redSince: number | null = null, clock = provideNow(NOW)) =>
  mount(BuildCard, { props: { build: makeBuild(over), redSince }, global: clock.global })

describe('BuildCard', () => {
  it.each([
    ['failed', '✕', 'FAILED'],
    ['running', '▶', 'RUNNING'],
    ['passed', '✓', 'passed'],
    ['queued', '◷', 'queued'],
    ['canceled', '⊘', 'canceled'],
  ] as const)('shows %s with its own glyph and word', (status, glyph, word) => {
    const card = mountCard({ status })
    const root = card.get('[data-kind="build"]')
    expect(root.attributes('data-status')).toBe(status)
    expect(root.attributes('data-id')).toBe('b1')
    expect(root.classes()).toContain(`is-${status}`)
    expect(card.get('.tag').text()).toBe(`${glyph} ${word}`)
  })

  it('shows repository, branch, number, the first line of the commit message and the author', () => {
    const text = mountCard().text()
    expect(text).toContain('api')
    expect(text).toContain('main')
    expect(text).toContain('#42')
    expect(text).toContain('Fix the thing')
    expect(text).not.toContain('with a body')
    expect(text).toContain('alice')
  })

  it('says how long a failed pipeline has been red', () => {
    const card = mountCard({ status: 'failed', finishedAt: iso(NOW - 5 * MIN) }, NOW - (2 * 60 + 13) * MIN)
    expect(card.get('.red-for').text()).toBe('red for 2 h 13 min')
    expect(card.get('[data-kind="build"]').classes()).toContain('is-red')
  })

  it('shows elapsed time and progress against the expected duration while running', () => {
    const card = mountCard({
      status: 'running',
      startedAt: iso(NOW - 3 * MIN - 5_000),
      finishedAt: null,
      expectedDurationMs: 6 * MIN,
    })
    expect(card.get('.when').text()).toBe('3 min 05 s of ~6 min')
    const bar = card.get('.progress .bar').element as HTMLElement
    expect(bar.style.transform).toBe('scaleX(0.51)')
    expect(card.find('.progress.overrun').exists()).toBe(false)
  })

  it('shows an overrun', () => {
    const card = mountCard({
      status: 'running',
      startedAt: iso(NOW - 8 * MIN),
      finishedAt: null,
      expectedDurationMs: 6 * MIN,
    })
    expect(card.get('.when').text()).toBe('8 min 00 s · 2 min over')
    expect((card.get('.progress .bar').element as HTMLElement).style.transform).toBe('scaleX(1)')
    expect(card.find('.progress.overrun').exists()).toBe(true)
  })

  it('moves with the clock it is given', async () => {
    const clock = provideNow(NOW)
    const card = mountCard({ status: 'running', startedAt: iso(NOW - 10_000), finishedAt: null }, null, clock)
    expect(card.get('.when').text()).toContain('10 s')
    clock.now.value = NOW + 5_000
    await nextTick()
    expect(card.get('.when').text()).toContain('15 s')
  })

  it('renders again on a tick of the clock only when a text it shows changes', async () => {
    const clock = provideNow(NOW)
    const card = mountCard(
      { status: 'passed', startedAt: iso(NOW - 185 * MIN), finishedAt: iso(NOW - 180 * MIN) },
      null,
      clock,
    )
    const instance = card.vm.$ as unknown as { render: (...args: unknown[]) => unknown }
    const render = vi.fn(instance.render)
    instance.render = render
    const before = card.get('.when').text()
    clock.now.value = NOW + 1_000
    await nextTick()
    expect(render).not.toHaveBeenCalled()
    clock.now.value = NOW + 2 * 60 * MIN
    await nextTick()
    expect(render).toHaveBeenCalledTimes(1)
    expect(card.get('.when').text()).not.toBe(before)
  })

  it('shows a running build of a red pipeline as still red', () => {
    const card = mountCard({ status: 'running', finishedAt: null }, NOW - 30 * MIN)
    expect(card.get('.red-for').text()).toBe('red for 30 min')
    expect(card.find('.when').exists()).toBe(true)
  })

  it('marks its main line (repository and branch) for the text-size checks', () => {
    const main = mountCard().findAll('.card-main')
    expect(main).toHaveLength(1)
    expect(main[0]!.text()).toContain('api')
  })

  it('has no progress bar unless running', () => {
    expect(mountCard({ status: 'passed' }).find('.progress').exists()).toBe(false)
  })

  it('says when a finished build finished and how long it took', () => {
    expect(mountCard().get('.when').text()).toBe('5 min ago · took 5 min')
  })

  it('is a native button (so the keyboard works too) that asks for the log', async () => {
    const card = mountCard({ id: 'build-9' })
    const button = card.get('button')
    expect(button.attributes('type')).toBe('button')
    await button.trigger('click')
    expect(card.emitted('open-log')).toEqual([['build-9']])
  })

  it('renders hostile text as inert text', () => {
    const card = mountCard({
      repo: HOSTILE,
      branch: HOSTILE,
      commit: { sha: 'x', message: HOSTILE, author: HOSTILE },
    })
    expect(card.find('img').exists()).toBe(false)
    expect(card.element.querySelectorAll('img, script').length).toBe(0)
    expect(card.get('.message').text()).toBe(HOSTILE)
    expect(card.get('.message').element.tagName).toBe('BDI')
  })
})
