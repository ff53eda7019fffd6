import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { msToNextSecond, nextOffset, offsetFromServerTime, serverNow } from '../../src/domain/clock'
import { useClockStore } from '../../src/stores/clock'

const LOCAL = Date.parse('2026-01-01T10:00:00.000Z')

describe('offsetFromServerTime', () => {
  it.each([
    ['2026-01-01T10:00:00.000Z', LOCAL, 0],
    ['2026-01-01T10:00:05.000Z', LOCAL, 5000],
    ['2026-01-01T09:59:58.500Z', LOCAL, -1500],
    ['2026-01-01T10:02:00Z', LOCAL, 120_000],
  ])('%s at local %d gives %d', (iso, local, expected) => {
    expect(offsetFromServerTime(iso, local)).toBe(expected)
  })

  it.each(['', 'yesterday', '2026-13-45T99:00:00Z'])('returns null for %j', (iso) => {
    expect(offsetFromServerTime(iso, LOCAL)).toBeNull()
  })

  it('returns null for a non-finite local time', () => {
    expect(offsetFromServerTime('2026-01-01T10:00:00Z', Number.NaN)).toBeNull()
  })
})

describe('nextOffset', () => {
  it.each([
    [null, 300, 300],
    [null, null, 0],
    [500, null, 500],
    [1000, 1100, 1000],
    [1000, 900, 1000],
    [1000, 1250, 1250],
    [1000, -5000, -5000],
  ])('previous %s, sample %s -> %s', (previous, sample, expected) => {
    expect(nextOffset(previous, sample)).toBe(expected)
  })
})

describe('serverNow and msToNextSecond', () => {
  it('shifts local time by the offset', () => {
    expect(serverNow(LOCAL, 2500)).toBe(LOCAL + 2500)
  })

  it.each([
    [LOCAL, 0, 1000],
    [LOCAL + 1, 0, 999],
    [LOCAL + 999, 0, 1],
    [LOCAL, 250, 750],
    [LOCAL, -250, 250],
  ])('local %d offset %d waits %d ms', (local, offset, expected) => {
    expect(msToNextSecond(local, offset)).toBe(expected)
  })
})

describe('useClockStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
    vi.setSystemTime(LOCAL + 400)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ticks once per second on whole seconds from a single timer, however often start() is called', () => {
    const clock = useClockStore()
    clock.start()
    clock.start()
    expect(vi.getTimerCount()).toBe(1)
    expect(clock.now).toBe(LOCAL + 400)
    vi.advanceTimersByTime(600)
    expect(clock.now).toBe(LOCAL + 1000)
    vi.advanceTimersByTime(1000)
    expect(clock.now).toBe(LOCAL + 2000)
    expect(vi.getTimerCount()).toBe(1)
    clock.stop()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(5000)
    expect(clock.now).toBe(LOCAL + 2000)
  })

  it('corrects now by the server offset and ignores jitter below the tolerance', () => {
    const clock = useClockStore()
    clock.syncServerTime('2026-01-01T10:01:00.400Z')
    expect(clock.serverOffsetMs).toBe(60_000)
    expect(clock.now).toBe(LOCAL + 60_400)
    expect(clock.serverNow()).toBe(LOCAL + 60_400)
    clock.syncServerTime('2026-01-01T10:01:00.500Z')
    expect(clock.serverOffsetMs).toBe(60_000)
    clock.syncServerTime('not a time')
    expect(clock.serverOffsetMs).toBe(60_000)
    clock.syncServerTime('2026-01-01T10:00:00.400Z')
    expect(clock.serverOffsetMs).toBe(0)
  })

  it('takes the first sample even when it is within the tolerance of zero', () => {
    const clock = useClockStore()
    clock.syncServerTime('2026-01-01T10:00:00.500Z')
    expect(clock.serverOffsetMs).toBe(100)
  })
})
