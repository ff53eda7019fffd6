// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import BuildsColumn from '../../src/components/BuildsColumn.vue'
import PullRequestsColumn from '../../src/components/PullRequestsColumn.vue'
import { BUILD_SLOT, PULL_REQUEST_SLOT } from '../../src/components/sizes'
import { pipelineRows, pullRequestRows } from '../../src/domain/columns'
import { loadFit } from '../../src/components/columnFit'
import type { PullRequest } from '../../src/protocol'
import { MIN, NOW, iso, makeBuild, makePr, provideNow } from './fixtures'

/** Stands in for the browser's observer: tests say how tall each observed body is. */
class FakeResizeObserver {
  static instances: FakeResizeObserver[] = []
  observed: Element[] = []
  disconnected = false
  constructor(private readonly callback: ResizeObserverCallback) {
    FakeResizeObserver.instances.push(this)
  }
  observe(el: Element) {
    this.observed.push(el)
  }
  unobserve() {}
  disconnect() {
    this.disconnected = true
  }
  resize(height: number) {
    const entry = { target: this.observed[0]!, contentRect: { height } } as unknown as ResizeObserverEntry
    this.callback([entry], this as unknown as ResizeObserver)
  }
}

const ROOT_PX = 16 // jsdom has no computed root font size; the column falls back to 16 px
const heightFor = (slots: number, slot = BUILD_SLOT) => (slots * (slot.item + slot.gap) - slot.gap) * ROOT_PX

// main.ts loads the kiosk's fit (a chunk of its own) before a kiosk mounts.
beforeAll(() => loadFit())
beforeEach(() => {
  FakeResizeObserver.instances = []
  vi.stubGlobal('ResizeObserver', FakeResizeObserver)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

// 20 green pipelines, newest first, and one red one older than all of them.
const builds = [
  ...Array.from({ length: 20 }, (_, i) =>
    makeBuild({
      id: `g${i}`,
      repo: `repo-${i}`,
      updatedAt: iso(NOW - i * MIN),
      status: i === 3 ? 'running' : 'passed',
    }),
  ),
  makeBuild({
    id: 'red',
    repo: 'legacy',
    status: 'failed',
    updatedAt: iso(NOW - 600 * MIN),
    finishedAt: iso(NOW - 600 * MIN),
  }),
]

describe('BuildsColumn', () => {
  it('shows everything off the kiosk, with no observer', () => {
    const column = mount(BuildsColumn, {
      props: { rows: pipelineRows(builds), fit: false },
      global: provideNow(NOW).global,
    })
    expect(column.findAll('[data-kind="build"]')).toHaveLength(21)
    expect(column.find('[data-overflow]').exists()).toBe(false)
    expect(FakeResizeObserver.instances).toHaveLength(0)
    expect(column.get('[data-column="builds"]').attributes('data-count')).toBe('21')
  })

  it('holds what fits on the kiosk, keeps the red build, and says what is not shown', async () => {
    const column = mount(BuildsColumn, {
      props: { rows: pipelineRows(builds), fit: true },
      global: provideNow(NOW).global,
    })
    expect(FakeResizeObserver.instances).toHaveLength(1)
    // room for 6 cards, or 5 beside the summary
    FakeResizeObserver.instances[0]!.resize(heightFor(6))
    await flushPromises()
    const ids = column.findAll('[data-kind="build"]').map((card) => card.attributes('data-id'))
    expect(ids).toEqual(['red', 'g0', 'g1', 'g2', 'g3'])
    expect(column.get('[data-overflow]').text()).toBe('+16 more: 16 passing')
    expect(column.get('[data-column="builds"]').attributes('data-count')).toBe('21')
  })

  it('mounts no card on the kiosk before its body is measured, and all of them where nothing can measure', async () => {
    const column = mount(BuildsColumn, {
      props: { rows: pipelineRows(builds), fit: true },
      global: provideNow(NOW).global,
    })
    // Cards mounted before the first measurement would be thrown away by it, before any paint.
    expect(column.findAll('[data-kind="build"]')).toHaveLength(0)
    FakeResizeObserver.instances[0]!.resize(heightFor(6))
    await flushPromises()
    expect(column.findAll('[data-kind="build"]')).toHaveLength(5)

    vi.stubGlobal('ResizeObserver', undefined)
    const unmeasured = mount(BuildsColumn, {
      props: { rows: pipelineRows(builds), fit: true },
      global: provideNow(NOW).global,
    })
    expect(unmeasured.findAll('[data-kind="build"]')).toHaveLength(21)
  })

  it('shows all, with no summary, when all fit', async () => {
    const rows = pipelineRows(builds.slice(0, 6))
    const column = mount(BuildsColumn, { props: { rows, fit: true }, global: provideNow(NOW).global })
    FakeResizeObserver.instances[0]!.resize(heightFor(6))
    await flushPromises()
    expect(column.findAll('[data-kind="build"]')).toHaveLength(6)
    expect(column.find('[data-overflow]').exists()).toBe(false)
  })

  it('follows a resize and stops observing when unmounted', async () => {
    const column = mount(BuildsColumn, {
      props: { rows: pipelineRows(builds), fit: true },
      global: provideNow(NOW).global,
    })
    const observer = FakeResizeObserver.instances[0]!
    observer.resize(heightFor(3))
    await flushPromises()
    expect(column.findAll('[data-kind="build"]')).toHaveLength(2)
    observer.resize(heightFor(11))
    await flushPromises()
    expect(column.findAll('[data-kind="build"]')).toHaveLength(10)
    expect(column.get('[data-overflow]').text()).toBe('+11 more: 11 passing')
    column.unmount()
    expect(observer.disconnected).toBe(true)
  })

  it('passes on the log request of a card', async () => {
    const column = mount(BuildsColumn, {
      props: { rows: pipelineRows(builds), fit: false },
      global: provideNow(NOW).global,
    })
    await column.get('[data-id="red"]').trigger('click')
    expect(column.emitted('open-log')).toEqual([['red']])
  })

  it('renders one card per pipeline in list items', () => {
    const column = mount(BuildsColumn, {
      props: { rows: pipelineRows(builds), fit: false },
      global: provideNow(NOW).global,
    })
    expect(column.findAll('ul.column-cards > li > [data-kind="build"]')).toHaveLength(21)
    expect(column.get('.column-alert').text()).toBe('✕ 1 red')
  })
})

describe('PullRequestsColumn', () => {
  const approved = [
    { login: 'a', state: 'approved' as const },
    { login: 'b', state: 'approved' as const },
  ]
  const prs: PullRequest[] = [
    ...Array.from({ length: 10 }, (_, i) => makePr({ id: `p${i}`, number: i, updatedAt: iso(NOW - i * MIN) })),
    makePr({ id: 'ready', checks: 'passing', reviewers: approved, updatedAt: iso(NOW - 900 * MIN) }),
    makePr({ id: 'blocker', blocks: ['p9'], updatedAt: iso(NOW - 800 * MIN) }),
  ]
  const rows = pullRequestRows(new Map(prs.map((pr) => [pr.id, pr])))

  it('never hides a ready or a blocking PR', async () => {
    const column = mount(PullRequestsColumn, { props: { rows, fit: true }, global: provideNow(NOW).global })
    FakeResizeObserver.instances[0]!.resize(heightFor(5, PULL_REQUEST_SLOT))
    await flushPromises()
    const cards = column.findAll('[data-kind="pull-request"]')
    expect(cards.map((c) => c.attributes('data-id'))).toEqual(['ready', 'blocker', 'p0', 'p1'])
    expect(cards[0]!.attributes('data-ready')).toBe('true')
    expect(cards[1]!.attributes('data-blocking')).toBe('true')
    expect(column.get('[data-overflow]').text()).toBe('+8 more: 8 in review')
    expect(column.get('[data-column="pull-requests"]').attributes('data-count')).toBe('12')
  })
})

describe('the laptop view renders only the cards near the viewport', () => {
  // jsdom: a 768 px window, a 16 px root font, and every box at 0 until a test says otherwise.
  const PITCH_PX = (PULL_REQUEST_SLOT.item + PULL_REQUEST_SLOT.gap) * ROOT_PX
  const rows = pullRequestRows(
    new Map(
      Array.from({ length: 300 }, (_, i) => {
        const pr = makePr({ id: `pr${i}`, number: i, updatedAt: iso(NOW - i * MIN) })
        return [pr.id, pr] as const
      }),
    ),
  )
  let frames: FrameRequestCallback[] = []
  beforeEach(() => {
    frames = []
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback))
    vi.stubGlobal('cancelAnimationFrame', () => {})
  })
  const runFrames = () => frames.splice(0).forEach((callback) => callback(0))
  const shownIds = (column: ReturnType<typeof mount>) =>
    column.findAll('[data-kind="pull-request"]').map((card) => card.attributes('data-id'))

  it('renders a screen and a half, and pads for the rest so the page keeps its height', async () => {
    const column = mount(PullRequestsColumn, { props: { rows, fit: false }, global: provideNow(NOW).global })
    await flushPromises()
    // 768 px of view and 384 px below it: 17 cards of 68 px
    const expected = rows.slice(0, Math.ceil((768 + 384) / PITCH_PX)).map((row) => row.pr.id)
    expect(shownIds(column)).toEqual(expected)
    expect(column.get('[data-column="pull-requests"]').attributes('data-count')).toBe('300')
    const list = column.get('ul').element as HTMLElement
    expect(list.style.paddingTop).toBe('0rem')
    expect(list.style.paddingBottom).toBe(`${(300 - expected.length) * 4.25}rem`)
    column.unmount()
  })

  it('follows the scroll, one measurement a frame', async () => {
    const column = mount(PullRequestsColumn, {
      props: { rows, fit: false },
      global: provideNow(NOW).global,
      attachTo: document.body,
    })
    await flushPromises()
    const list = column.get('ul').element as HTMLElement
    // scrolled 100 cards down the list
    list.getBoundingClientRect = () => ({ top: -100 * PITCH_PX }) as DOMRect
    // Columns of earlier tests may still listen; what counts is that a second event adds no frame.
    window.dispatchEvent(new Event('scroll'))
    const scheduled = frames.length
    window.dispatchEvent(new Event('scroll'))
    expect(frames).toHaveLength(scheduled)
    runFrames()
    await flushPromises()
    const first = Math.floor((100 * PITCH_PX - 384) / PITCH_PX)
    const end = Math.ceil((100 * PITCH_PX + 768 + 384) / PITCH_PX)
    expect(shownIds(column)).toEqual(rows.slice(first, end).map((row) => row.pr.id))
    expect(list.style.paddingTop).toBe(`${first * 4.25}rem`)
    expect(list.style.paddingBottom).toBe(`${(300 - end) * 4.25}rem`)
    column.unmount()
    window.dispatchEvent(new Event('scroll'))
    expect(frames, 'no listener left after unmount').toHaveLength(scheduled - 1)
  })

  it('renders every card on the kiosk, where the column chose what fits', async () => {
    const column = mount(PullRequestsColumn, {
      props: { rows: rows.slice(0, 40), fit: true },
      global: provideNow(NOW).global,
    })
    FakeResizeObserver.instances[0]!.resize(heightFor(40, PULL_REQUEST_SLOT))
    await flushPromises()
    expect(shownIds(column)).toHaveLength(40)
    expect((column.get('ul').element as HTMLElement).style.paddingBottom).toBe('0rem')
  })
})
