import { describe, expect, it } from 'vitest'
import { isBoardStale, staleBannerText, type StalenessInput } from '../../src/stream/staleness'

const base: StalenessInput = { status: 'reconnecting', ageMs: 0, heartbeatMs: 15_000, restored: false }

describe('isBoardStale', () => {
  it.each<[string, Partial<StalenessInput>, boolean]>([
    ['live, however old the last frame', { status: 'live', ageMs: 10 * 60_000 }, false],
    ['a short blip (under two heartbeats)', { ageMs: 29_999 }, false],
    ['exactly two heartbeats', { ageMs: 30_000 }, false],
    ['older than two heartbeats', { ageMs: 30_001 }, true],
    ['stale status', { status: 'stale', ageMs: 31_000 }, true],
    ['offline with old data', { status: 'offline', ageMs: 60_000 }, true],
    ['nothing shown yet', { status: 'connecting', ageMs: null }, false],
    ['restored and unconfirmed, even if fresh', { status: 'connecting', ageMs: 1000, restored: true }, true],
    ['restored but live', { status: 'live', ageMs: 1000, restored: true }, false],
  ])('%s', (_name, input, stale) => {
    expect(isBoardStale({ ...base, ...input })).toBe(stale)
  })
})

describe('staleBannerText', () => {
  it('says how old the data is and what happens next', () => {
    expect(staleBannerText({ ...base, status: 'stale', ageMs: 42_000 })).toBe('Connection lost 42 s ago, reconnecting')
    expect(staleBannerText({ ...base, status: 'reconnecting', ageMs: 125_000 })).toBe(
      'Connection lost 2 min ago, reconnecting',
    )
    expect(staleBannerText({ ...base, status: 'offline', ageMs: 45_000 })).toBe(
      'Offline: data from 45 s ago, waiting for the network',
    )
    expect(staleBannerText({ ...base, status: 'connecting', ageMs: 3_600_000, restored: true })).toBe(
      'Showing the board saved 1 h ago, connecting',
    )
  })

  it('is empty when the board is not stale', () => {
    expect(staleBannerText({ ...base, status: 'live', ageMs: 99_000 })).toBe('')
    expect(staleBannerText({ ...base, ageMs: 1000 })).toBe('')
  })
})
