import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSelfUpdate, isNewRelease, isQuietMoment, QUIET_INPUT_MS } from '../../src/stream/selfUpdate'

const NOW = Date.parse('2026-01-01T10:00:00.000Z')

describe('isQuietMoment', () => {
  it.each([
    ['kiosk, even with input just now and a log open', { kiosk: true, logPanelOpen: true, lastInputAt: NOW }, true],
    ['no input ever, no log open', { kiosk: false, logPanelOpen: false, lastInputAt: null }, true],
    ['input 30 s ago', { kiosk: false, logPanelOpen: false, lastInputAt: NOW - QUIET_INPUT_MS }, true],
    ['input 29 s ago', { kiosk: false, logPanelOpen: false, lastInputAt: NOW - QUIET_INPUT_MS + 1000 }, false],
    ['a log panel open', { kiosk: false, logPanelOpen: true, lastInputAt: null }, false],
  ])('%s: %s', (_name, input, quiet) => {
    expect(isQuietMoment({ ...input, now: NOW })).toBe(quiet)
  })
})

describe('isNewRelease', () => {
  it('is a new release only against a known baseline and a different, non-empty version', () => {
    expect(isNewRelease(null, '1.0.0')).toBe(false)
    expect(isNewRelease('1.0.0', '1.0.0')).toBe(false)
    expect(isNewRelease('1.0.0', '')).toBe(false)
    expect(isNewRelease('1.0.0', '1.0.0+ab12')).toBe(true)
  })
})

describe('createSelfUpdate', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => vi.useRealTimers())

  function setup(kiosk: boolean, logOpen = () => false) {
    const reload = vi.fn()
    const input = new EventTarget()
    const updater = createSelfUpdate({ kiosk, reload, isLogPanelOpen: logOpen, inputTarget: input })
    return { reload, input, updater }
  }

  it('takes the first version as the page own and never reloads while it stays the same', () => {
    const { reload, updater } = setup(true)
    updater.observeVersion('1.0.0+aa')
    updater.observeVersion('1.0.0+aa')
    vi.advanceTimersByTime(60_000)
    expect(updater.baseline()).toBe('1.0.0+aa')
    expect(reload).not.toHaveBeenCalled()
  })

  it('reloads the kiosk at once on a new release, once', () => {
    const { reload, updater } = setup(true)
    updater.observeVersion('1.0.0+aa')
    updater.observeVersion('1.0.0+bb')
    updater.observeVersion('1.0.0+cc')
    vi.advanceTimersByTime(10_000)
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('on a laptop, waits for 30 s without input and for the log panel to close', () => {
    let logOpen = true
    const { reload, input, updater } = setup(false, () => logOpen)
    updater.observeVersion('1.0.0+aa')
    input.dispatchEvent(new Event('keydown'))
    updater.observeVersion('1.0.0+bb')
    expect(updater.pending()).toBe(true)
    vi.advanceTimersByTime(20_000)
    input.dispatchEvent(new Event('pointerdown'))
    vi.advanceTimersByTime(29_000)
    expect(reload).not.toHaveBeenCalled()
    vi.advanceTimersByTime(5_000)
    expect(reload).not.toHaveBeenCalled() // quiet, but a log is open
    logOpen = false
    vi.advanceTimersByTime(1_000)
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('stops waiting and listening when stopped', () => {
    const { reload, updater } = setup(false, () => true)
    updater.observeVersion('1')
    updater.observeVersion('2')
    updater.stop()
    vi.advanceTimersByTime(120_000)
    expect(reload).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })
})
