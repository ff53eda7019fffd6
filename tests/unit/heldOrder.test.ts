import { effectScope, nextTick, shallowRef } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { arrangeHeld, sameOrder } from '../../src/domain/heldOrder'
import { useHeldOrder } from '../../src/components/useHeldOrder'

const key = (row: string) => row

describe('arrangeHeld', () => {
  it.each([
    { name: 'keeps the held places', sorted: ['c', 'a', 'b'], held: ['a', 'b', 'c'], out: ['a', 'b', 'c'] },
    { name: 'drops rows that left', sorted: ['c', 'a'], held: ['a', 'b', 'c'], out: ['a', 'c'] },
    {
      name: 'puts a newcomer after the held rows, moving none of them',
      sorted: ['c', 'n', 'a', 'b'],
      held: ['a', 'b', 'c'],
      out: ['a', 'b', 'c', 'n'],
    },
    {
      name: 'puts a newcomer sorted first after the held rows too',
      sorted: ['n', 'b', 'a'],
      held: ['a', 'b'],
      out: ['a', 'b', 'n'],
    },
    {
      name: 'puts several newcomers last in their sorted order',
      sorted: ['y', 'a', 'x', 'b'],
      held: ['b', 'a'],
      out: ['b', 'a', 'y', 'x'],
    },
    { name: 'holds nothing from an empty order', sorted: ['b', 'a'], held: [], out: ['b', 'a'] },
    { name: 'gives nothing for no rows', sorted: [], held: ['a'], out: [] },
  ])('$name', ({ sorted, held, out }) => {
    expect(arrangeHeld(sorted, key, held)).toEqual(out)
  })

  it('keeps the rows themselves, not copies', () => {
    const rows = [{ id: 'b' }, { id: 'a' }]
    const arranged = arrangeHeld(rows, (r) => r.id, ['a', 'b'])
    expect(arranged[0]).toBe(rows[1])
    expect(arranged[1]).toBe(rows[0])
  })
})

describe('sameOrder', () => {
  it('compares keys place by place', () => {
    expect(sameOrder(['a', 'b'], ['a', 'b'], key)).toBe(true)
    expect(sameOrder(['a', 'b'], ['b', 'a'], key)).toBe(false)
    expect(sameOrder(['a'], ['a', 'b'], key)).toBe(false)
  })
})

describe('useHeldOrder', () => {
  let clock = 0
  beforeEach(() => {
    vi.useFakeTimers()
    clock = 0
  })
  afterEach(() => vi.useRealTimers())

  function setup() {
    const source = shallowRef<string[]>(['a', 'b', 'c'])
    const scope = effectScope()
    const held = scope.run(() =>
      useHeldOrder(
        () => source.value,
        key,
        1000,
        () => clock,
      ),
    )!
    return { source, held, scope }
  }

  it('re-sorts at once after a quiet spell, holds the places within the hold, re-sorts when it ends', async () => {
    const { source, held, scope } = setup()
    expect(held.value).toEqual(['a', 'b', 'c'])
    clock = 5000
    source.value = ['c', 'a', 'b']
    expect(held.value).toEqual(['c', 'a', 'b'])
    clock = 5200
    source.value = ['b', 'c', 'a']
    expect(held.value).toEqual(['c', 'a', 'b'])
    clock = 5400
    source.value = ['a', 'b', 'c', 'n']
    expect(held.value).toEqual(['c', 'a', 'b', 'n'])
    // The hold ends 1,000 ms after the last re-sort: one timer brings the sorted order.
    clock = 6000
    vi.advanceTimersByTime(800)
    await nextTick()
    expect(held.value).toEqual(['a', 'b', 'c', 'n'])
    expect(vi.getTimerCount()).toBe(0)
    scope.stop()
  })

  it('sets no timer while the held order is the sorted one, and clears its timer when disposed', () => {
    const { source, held, scope } = setup()
    expect(held.value).toEqual(['a', 'b', 'c'])
    clock = 100
    source.value = ['a', 'b', 'c', 'd']
    expect(held.value).toEqual(['a', 'b', 'c', 'd'])
    expect(vi.getTimerCount()).toBe(0)
    source.value = ['d', 'a', 'b', 'c']
    expect(held.value).toEqual(['a', 'b', 'c', 'd'])
    expect(vi.getTimerCount()).toBe(1)
    scope.stop()
    expect(vi.getTimerCount()).toBe(0)
  })
})
