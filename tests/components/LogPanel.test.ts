// @vitest-environment jsdom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import LogPanel from '../../src/components/LogPanel.vue'
import type { Build } from '../../src/protocol'
import { useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { useLogStore } from '../../src/stores/log'
import { staleBannerText } from '../../src/stream/staleness'
import { MIN, NOW, iso, makeBuild } from './fixtures'

let pinia: Pinia
let wrapper: VueWrapper | null = null

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  useClockStore().now = NOW
})

afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

async function mountPanel(build: Partial<Build> = {}, maxLines?: number) {
  const b = makeBuild({ id: 'b1', status: 'running', finishedAt: null, ...build })
  useBoardStore().applySnapshot({ builds: [b], pullRequests: [], deployments: [] }, 'e-1')
  if (maxLines) useLogStore().maxLines = maxLines
  wrapper = mount(LogPanel, {
    props: { buildId: 'b1', staleText: '' },
    global: { plugins: [pinia] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

async function feed(offset: number, lines: string[], buildId = 'b1') {
  const log = useLogStore()
  log.receive({ buildId, offset, lines })
  log.flush()
  await flushPromises()
}

const lineOffsets = (w: VueWrapper) => w.findAll('[data-line]').map((l) => Number(l.attributes('data-line')))

describe('LogPanel', () => {
  it('says when the connection it rides is lost, and dims its lines until it is back', async () => {
    const w = await mountPanel()
    await feed(0, ['one'])
    expect(w.find('[data-log-stale]').exists()).toBe(false)
    // The page's banner sentence, as App hands it on (the stores to it: StaleBanner.test.ts).
    const lost = { status: 'stale', ageMs: 42_000, heartbeatMs: 15_000, restored: false } as const
    await w.setProps({ staleText: staleBannerText(lost) })
    expect(w.get('[data-log-stale]').text()).toContain('Connection lost 42 s ago, reconnecting')
    expect(w.get('.log-body').attributes('data-stale')).toBe('true')
    await w.setProps({ staleText: staleBannerText({ ...lost, status: 'live' }) })
    expect(w.find('[data-log-stale]').exists()).toBe(false)
    expect(w.get('.log-body').attributes('data-stale')).toBe('false')
  })

  it('is a dialog labelled with the build, holding one element per line by offset', async () => {
    const w = await mountPanel({ repo: 'api', branch: 'main', number: 42 })
    const panel = w.get('[data-log]')
    expect(panel.attributes('data-build-id')).toBe('b1')
    expect(panel.attributes('role')).toBe('dialog')
    expect(panel.attributes('aria-label')).toBe('Build log: api main #42')
    expect(useLogStore().buildId).toBe('b1')
    await feed(0, ['one', 'two', 'three'])
    await feed(1, ['two', 'three', 'four'])
    expect(lineOffsets(w)).toEqual([0, 1, 2, 3])
    expect(w.get('[data-line="3"]').element.textContent).toBe('four')
  })

  it('shows repository, branch, number, status and the elapsed time from the shared clock', async () => {
    const w = await mountPanel({ startedAt: iso(NOW - 3 * MIN - 5_000) })
    const head = w.get('.log-head').text()
    expect(head).toContain('RUNNING')
    expect(head).toContain('api')
    expect(head).toContain('main')
    expect(head).toContain('#42')
    expect(w.get('.log-elapsed').text()).toBe('3 min 05 s')
    useClockStore().now = NOW + 60_000
    await flushPromises()
    expect(w.get('.log-elapsed').text()).toBe('4 min 05 s')
  })

  it('says how long a finished build took', async () => {
    const w = await mountPanel({ status: 'failed', startedAt: iso(NOW - 10 * MIN), finishedAt: iso(NOW - 8 * MIN) })
    expect(w.get('.log-elapsed').text()).toBe('took 2 min 00 s')
    expect(w.get('.log-head').text()).toContain('FAILED')
  })

  it.each([
    ['https://ci.example.com/b/1', 'https://ci.example.com/b/1'],
    ['http://ci.local/1', 'http://ci.local/1'],
    ['javascript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['not a url', null],
    [null, null],
  ])('links the full log for %s only when it is http(s)', async (url, href) => {
    const w = await mountPanel({ url })
    const link = w.find('a.log-link')
    if (href === null) expect(link.exists()).toBe(false)
    else {
      expect(link.attributes('href')).toBe(href)
      expect(link.attributes('rel')).toContain('noopener')
    }
  })

  it('renders SGR colour and bold as styled spans, with no escape code left as text', async () => {
    const w = await mountPanel()
    await feed(0, ['\u001b[31mred\u001b[0m plain', '\u001b[1;32mbold green\u001b[0m', '\u001b[2J\u001b[Hcleared\u0007'])
    const red = w.get('[data-line="0"] .ansi-red-fg')
    expect(red.element.tagName).toBe('SPAN')
    expect(red.text()).toBe('red')
    const bold = w.get('[data-line="1"] span.ansi-green-fg')
    expect(bold.classes()).toContain('ansi-bold')
    expect(w.get('[data-line="0"]').text()).toBe('red plain')
    expect(w.get('[data-line="2"]').text()).toBe('cleared')
    // eslint-disable-next-line no-control-regex
    expect(w.get('[data-log]').element.textContent).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/)
  })

  it('keeps markup in a line as inert text', async () => {
    const w = await mountPanel()
    const markup = '<img src=x onerror=alert(1)> <script>alert(2)</script> \u001b[31m<b>bold?</b>\u001b[0m'
    await feed(0, [markup])
    const line = w.get('[data-line="0"]')
    expect(line.find('img').exists()).toBe(false)
    expect(line.find('script').exists()).toBe(false)
    expect(line.find('b').exists()).toBe(false)
    expect(line.element.textContent).toBe('<img src=x onerror=alert(1)> <script>alert(2)</script> <b>bold?</b>')
  })

  it('says how many earlier lines were trimmed', async () => {
    const w = await mountPanel({}, 100)
    await feed(
      0,
      Array.from({ length: 50 }, (_, i) => `l${i}`),
    )
    expect(w.find('[data-log-trimmed]').exists()).toBe(false)
    await feed(
      50,
      Array.from({ length: 1284 }, (_, i) => `l${50 + i}`),
    )
    expect(w.get('[data-log-trimmed]').text()).toBe('1,234 earlier lines trimmed')
    expect(w.findAll('[data-line]')).toHaveLength(100)
    expect(lineOffsets(w)[0]).toBe(1234)
  })

  it('pauses following when scrolled up, offers "Jump to latest", and resumes at the bottom', async () => {
    const w = await mountPanel()
    await feed(0, ['a', 'b'])
    const body = w.get('.log-body').element as HTMLElement
    let top = 800
    Object.defineProperty(body, 'scrollHeight', {
      configurable: true,
      get: () => 980 + body.querySelectorAll('[data-line]').length * 10,
    })
    Object.defineProperty(body, 'clientHeight', { configurable: true, get: () => 200 })
    Object.defineProperty(body, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => (top = v) })
    await w.get('.log-body').trigger('scroll')
    expect(w.find('[data-log-jump]').exists()).toBe(false)
    top = 300
    await w.get('.log-body').trigger('scroll')
    expect(w.get('[data-log]').attributes('data-following')).toBe('false')
    expect(w.get('[data-log-jump]').text()).toContain('Jump to latest')
    // New lines do not pull a reader who scrolled up back down.
    await feed(2, ['c'])
    expect(top).toBe(300)
    await w.get('[data-log-jump]').trigger('click')
    expect(top).toBe(1010)
    expect(w.find('[data-log-jump]').exists()).toBe(false)
    top = 300
    await w.get('.log-body').trigger('scroll')
    expect(w.find('[data-log-jump]').exists()).toBe(true)
    top = 805
    await w.get('.log-body').trigger('scroll')
    expect(w.find('[data-log-jump]').exists()).toBe(false)
  })

  it('renders only the latest 1,000 lines while following, and all of them once paused, keeping the view', async () => {
    const w = await mountPanel()
    const body = w.get('.log-body').element as HTMLElement
    let top = 0
    Object.defineProperty(body, 'scrollHeight', {
      configurable: true,
      get: () => body.querySelectorAll('[data-line]').length * 10,
    })
    Object.defineProperty(body, 'clientHeight', { configurable: true, get: () => 200 })
    Object.defineProperty(body, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => (top = v) })
    await feed(
      0,
      Array.from({ length: 3000 }, (_, i) => `l${i}`),
    )
    expect(w.findAll('[data-line]')).toHaveLength(1000)
    expect(lineOffsets(w)[0]).toBe(2000)
    expect(top).toBe(10_000)
    await w.get('.log-body').trigger('scroll')
    top = 9000
    await w.get('.log-body').trigger('scroll')
    await flushPromises()
    expect(lineOffsets(w)).toEqual(Array.from({ length: 3000 }, (_, i) => i))
    // The line the reader looked at stays put: same distance from the end as before.
    expect(top).toBe(30_000 - 1000)
    await w.get('[data-log-jump]').trigger('click')
    await flushPromises()
    expect(w.findAll('[data-line]')).toHaveLength(1000)
  })

  it('follows new lines to the bottom while following', async () => {
    const w = await mountPanel()
    const body = w.get('.log-body').element as HTMLElement
    let top = 0
    let height = 200
    Object.defineProperty(body, 'scrollHeight', { configurable: true, get: () => height })
    Object.defineProperty(body, 'clientHeight', { configurable: true, get: () => 200 })
    Object.defineProperty(body, 'scrollTop', { configurable: true, get: () => top, set: (v: number) => (top = v) })
    height = 5000
    await feed(
      0,
      Array.from({ length: 300 }, (_, i) => `l${i}`),
    )
    expect(top).toBe(5000)
  })

  it('emits close on Escape and on the close button', async () => {
    const w = await mountPanel()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    expect(w.emitted('close')).toHaveLength(1)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }))
    expect(w.emitted('close')).toHaveLength(1)
    await w.get('button.log-close').trigger('click')
    expect(w.emitted('close')).toHaveLength(2)
  })

  it('moves focus to the close button, and unmounting stops following and frees the lines', async () => {
    const opener = document.createElement('button')
    document.body.append(opener)
    opener.focus()
    const w = await mountPanel()
    expect(document.activeElement).toBe(w.get('button.log-close').element)
    await feed(0, ['a'])
    w.unmount()
    wrapper = null
    const log = useLogStore()
    expect(log.buildId).toBeNull()
    expect(log.lines).toEqual([])
    expect(document.activeElement).toBe(opener)
  })

  it('says when a finished build has no log lines, after a moment', async () => {
    const w = await mountPanel({ status: 'passed', finishedAt: iso(NOW - MIN) })
    expect(w.get('.log-empty').text()).toBe('Waiting for log lines…')
    useClockStore().now = NOW + 2000
    await flushPromises()
    expect(w.get('.log-empty').text()).toBe('No log lines kept for this build.')
    await feed(0, ['late backlog'])
    expect(w.find('.log-empty').exists()).toBe(false)
  })

  it('keeps waiting for a running build', async () => {
    const w = await mountPanel()
    useClockStore().now = NOW + 60_000
    await flushPromises()
    expect(w.get('.log-empty').text()).toBe('Waiting for log lines…')
  })

  it('follows the new build when the build id changes', async () => {
    const w = await mountPanel()
    await feed(0, ['old'])
    await w.setProps({ buildId: 'b2' })
    await flushPromises()
    expect(useLogStore().buildId).toBe('b2')
    expect(w.get('[data-log]').attributes('data-build-id')).toBe('b2')
    expect(w.findAll('[data-line]')).toHaveLength(0)
  })
})
