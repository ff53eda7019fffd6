import { describe, expect, it } from 'vitest'
import { capacityFor, chooseVisible, describeOverflow, fitCount } from '../../src/domain/kioskFit'

// Items are written as `<id>:<label>`; a `!` marks a protected one (failing, ready, blocking).
const items = (spec: string) => spec.split(' ').filter(Boolean)
const options = {
  isProtected: (item: string) => item.includes('!'),
  label: (item: string) => item.split(':')[1]!.replace('!', ''),
}
const ids = (list: string[]) => list.map((item) => item.split(':')[0]).join(' ')

describe('chooseVisible', () => {
  it.each([
    // list (newest first)                                      capacity  visible          summary
    ['a:passing b:passing c:running', 3, 'a b c', null],
    ['a:passing b:passing c:running', 10, 'a b c', null],
    ['a:passing b:passing c:running', Infinity, 'a b c', null],
    ['', 2, '', null],
    ['a:passing b:running c:passing d:passing', 2, 'a b', '+2 more: 2 passing'],
    ['a:passing b:passing c:passing d:failing!', 2, 'a d', '+2 more: 2 passing'],
    ['a:failing! b:passing c:failing! d:passing e:passing', 2, 'a c', '+3 more: 3 passing'],
    ['a:failing! b:failing! c:failing! d:passing', 2, 'a b', '+2 more: 1 failing, 1 passing'],
    ['a:failing! b:failing! c:failing! d:passing e:passing f:passing', 2, 'a b', '+4 more: 1 failing, 3 passing'],
    ['a:passing b:running c:running d:passing e:passing f:failing!', 3, 'a b f', '+3 more: 2 passing, 1 running'],
    ['a:passing b:passing', 0, '', '+2 more: 2 passing'],
    ['a:passing b:passing c:queued', -1, '', '+3 more: 2 passing, 1 queued'],
    ['a:passing b:passing c:passing', 2.9, 'a b', '+1 more: 1 passing'],
  ])('%s in %d slots -> [%s] %s', (list, capacity, visible, summary) => {
    const choice = chooseVisible(items(list), capacity, options)
    expect(ids(choice.visible)).toBe(visible)
    expect(choice.summary ? describeOverflow(choice.summary) : null).toBe(summary)
    expect(choice.visible.length + (choice.summary?.hidden ?? 0)).toBe(items(list).length)
  })

  it('keeps a red build among many newer green ones', () => {
    const list = [...Array.from({ length: 50 }, (_, i) => `g${i}:passing`), 'red:failing!']
    const choice = chooseVisible(list, 5, options)
    expect(choice.visible).toContain('red:failing!')
    expect(choice.visible).toHaveLength(5)
    expect(describeOverflow(choice.summary!)).toBe('+46 more: 46 passing')
  })

  it('lets the least recent healthy item give way when recency is not the list order', () => {
    const rows = [
      { name: 'alpha', updated: 10, bad: false },
      { name: 'beta', updated: 30, bad: false },
      { name: 'gamma', updated: 5, bad: true },
      { name: 'delta', updated: 20, bad: false },
    ]
    const choice = chooseVisible(rows, 3, {
      isProtected: (r) => r.bad,
      label: () => 'up to date',
      recency: (r) => r.updated,
    })
    // alpha is the oldest healthy one; the rest keep their (alphabetical) list order
    expect(choice.visible.map((r) => r.name)).toEqual(['beta', 'gamma', 'delta'])
    expect(choice.summary).toEqual({ hidden: 1, byLabel: [['up to date', 1]] })
  })
})

describe('describeOverflow', () => {
  it.each([
    [
      {
        hidden: 14,
        byLabel: [
          ['passing', 12],
          ['running', 2],
        ] as [string, number][],
      },
      '',
      '+14 more: 12 passing, 2 running',
    ],
    [{ hidden: 3, byLabel: [['up to date', 3]] as [string, number][] }, 'services', '+3 more services: 3 up to date'],
    [{ hidden: 1, byLabel: [] as [string, number][] }, '', '+1 more'],
  ])('%j %s -> %s', (summary, noun, text) => {
    expect(describeOverflow(summary, noun)).toBe(text)
  })
})

describe('fitCount', () => {
  it.each([
    // height item gap -> count
    [100, 20, 0, 5],
    [99, 20, 0, 4],
    [100, 20, 5, 4], // 4*20 + 3*5 = 95
    [115, 20, 5, 4], // 5*20 + 4*5 = 120 > 115
    [120, 20, 5, 5],
    [119.6, 20, 5, 4], // a fraction of a pixel short: the fifth would clip
    [4.2 * 20.25 * 3 + 0.35 * 20.25 * 2, 4.2 * 20.25, 0.35 * 20.25, 3], // exact fit in rem times px
    [0, 20, 5, 0],
    [-10, 20, 5, 0],
    [100, 0, 5, 0],
    [Number.NaN, 20, 5, 0],
  ])('%d px of %d px items, %d px apart -> %d', (height, item, gap, count) => {
    expect(fitCount(height, item, gap)).toBe(count)
  })
})

describe('capacityFor', () => {
  const sizes = { item: 20, gap: 5, summary: 15 }
  it.each([
    // count height -> capacity
    [5, 120, 5], // all fit: no summary needed
    [3, 120, 5],
    [6, 120, 4], // 120 - 15 - 5 = 100 -> 4 items beside the summary
    [50, 120, 4],
    [2, 10, 0],
  ])('%d items in %d px -> %d', (count, height, capacity) => {
    expect(capacityFor(count, height, sizes)).toBe(capacity)
  })
})
