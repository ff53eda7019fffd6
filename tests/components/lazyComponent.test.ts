// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { h, type FunctionalComponent } from 'vue'
import { lazyComponent } from '../../src/components/lazyComponent'

const Panel: FunctionalComponent = () => h('p', { class: 'panel' }, 'loaded')

afterEach(() => {
  document.head.innerHTML = ''
  document.body.innerHTML = ''
})

describe('lazyComponent', () => {
  it('stays null until loaded, loads once, and adds the chunk styles before the first render', async () => {
    const loader = vi.fn(async () => ({ default: Panel, styles: '.panel{color:red}' }))
    const lazy = lazyComponent(loader)
    const Host: FunctionalComponent = () => (lazy.component.value ? h(lazy.component.value) : null)
    const host = mount(Host, { attachTo: document.body })
    expect(host.find('.panel').exists()).toBe(false)
    lazy.load()
    lazy.load()
    await flushPromises()
    expect(loader).toHaveBeenCalledTimes(1)
    expect(host.get('.panel').text()).toBe('loaded')
    expect([...document.head.querySelectorAll('style')].map((s) => s.textContent)).toEqual(['.panel{color:red}'])
    lazy.load()
    await flushPromises()
    expect(loader).toHaveBeenCalledTimes(1)
    expect(document.head.querySelectorAll('style')).toHaveLength(1)
  })

  it('reports a failed load and tries again on the next call', async () => {
    const onError = vi.fn()
    const loader = vi
      .fn<() => Promise<{ default: typeof Panel }>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce({ default: Panel })
    const lazy = lazyComponent(loader, onError)
    lazy.load()
    await flushPromises()
    expect(onError).toHaveBeenCalledWith(new Error('offline'))
    expect(lazy.component.value).toBeNull()
    lazy.load()
    await flushPromises()
    expect(loader).toHaveBeenCalledTimes(2)
    expect(lazy.component.value).toBe(Panel)
  })
})
