import { describe, expect, it } from 'vitest'
import { listWindow } from '../../src/domain/listWindow'

const PITCH = 100

describe('listWindow', () => {
  it.each([
    // list top, view height, overscan, count -> first, end
    {
      case: 'at the top: a screen and the overscan below',
      listTop: 0,
      view: 1000,
      over: 500,
      count: 100,
      first: 0,
      end: 15,
    },
    { case: 'list starting lower on the page', listTop: 300, view: 1000, over: 0, count: 100, first: 0, end: 7 },
    { case: 'scrolled into the middle', listTop: -4050, view: 1000, over: 500, count: 100, first: 35, end: 56 },
    {
      case: 'scrolled past the end of a short list',
      listTop: -5000,
      view: 1000,
      over: 0,
      count: 20,
      first: 20,
      end: 20,
    },
    { case: 'everything fits', listTop: 0, view: 5000, over: 500, count: 12, first: 0, end: 12 },
    { case: 'an empty list', listTop: 0, view: 1000, over: 500, count: 0, first: 0, end: 0 },
    { case: 'below the fold: nothing yet', listTop: 2000, view: 1000, over: 500, count: 50, first: 0, end: 0 },
  ])('$case', ({ listTop, view, over, count, first, end }) => {
    expect(listWindow(count, { listTop, viewHeight: view, pitch: PITCH, overscan: over })).toEqual({ first, end })
  })

  it('renders the whole list when the geometry is unknown, rather than nothing', () => {
    for (const geometry of [
      { listTop: Number.NaN, viewHeight: 1000, pitch: PITCH, overscan: 0 },
      { listTop: 0, viewHeight: Number.POSITIVE_INFINITY, pitch: PITCH, overscan: 0 },
      { listTop: 0, viewHeight: 1000, pitch: 0, overscan: 0 },
    ]) {
      expect(listWindow(40, geometry)).toEqual({ first: 0, end: 40 })
    }
  })

  it('covers the viewport wherever it is scrolled', () => {
    for (let scrolled = 0; scrolled < 20_000; scrolled += 37) {
      const { first, end } = listWindow(150, { listTop: 120 - scrolled, viewHeight: 900, pitch: 68, overscan: 0 })
      const firstInView = Math.max(0, Math.floor((scrolled - 120) / 68))
      // item k shows while its top, 120 + 68k - scrolled, is above the bottom edge (900)
      const lastInView = Math.min(149, Math.ceil((scrolled - 120 + 900) / 68) - 1)
      if (firstInView <= lastInView) {
        expect(first).toBeLessThanOrEqual(firstInView)
        expect(end).toBeGreaterThan(lastInView)
      }
    }
  })
})
