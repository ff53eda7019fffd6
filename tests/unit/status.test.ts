import { describe, expect, it } from 'vitest'
import {
  backoffDelay,
  deriveStatus,
  staleDeadline,
  trustedHeartbeatMs,
  type StatusInput,
} from '../../src/stream/status'

const base: StatusInput = {
  online: true,
  synced: false,
  handover: false,
  recovering: false,
  lastDataAt: null,
  heartbeatMs: 1000,
  now: 10_000,
}

describe('deriveStatus', () => {
  const rows: [string, Partial<StatusInput>, ReturnType<typeof deriveStatus>][] = [
    ['first connect, nothing yet', {}, 'connecting'],
    ['synced', { synced: true, lastDataAt: 10_000 }, 'live'],
    ['offline wins over everything', { online: false, synced: true, lastDataAt: 10_000 }, 'offline'],
    ['offline before any data', { online: false }, 'offline'],
    ['retrying with fresh data', { recovering: true, lastDataAt: 9000 }, 'reconnecting'],
    ['retrying exactly at two heartbeats', { recovering: true, lastDataAt: 8000 }, 'reconnecting'],
    ['retrying with data older than two heartbeats', { recovering: true, lastDataAt: 7999 }, 'stale'],
    ['retrying with no data ever', { recovering: true }, 'reconnecting'],
    ['planned hand-over with fresh data stays live', { handover: true, recovering: true, lastDataAt: 9500 }, 'live'],
    ['planned hand-over with old data is stale', { handover: true, recovering: true, lastDataAt: 5000 }, 'stale'],
    ['hand-over before any data', { handover: true, recovering: true }, 'reconnecting'],
    [
      'longer heartbeat keeps data fresh longer',
      { recovering: true, lastDataAt: 5000, heartbeatMs: 15_000 },
      'reconnecting',
    ],
  ]
  it.each(rows)('%s -> %s', (_name, overrides, expected) => {
    expect(deriveStatus({ ...base, ...overrides })).toBe(expected)
  })

  it('names the moment data turns stale', () => {
    expect(staleDeadline({ lastDataAt: null, heartbeatMs: 1000 })).toBeNull()
    expect(staleDeadline({ lastDataAt: 5000, heartbeatMs: 1000 })).toBe(7000)
  })
})

describe('backoffDelay', () => {
  it.each([
    [0, 1000],
    [1, 2000],
    [2, 4000],
    [4, 16_000],
    [5, 30_000],
    [12, 30_000],
    [5000, 30_000],
  ])('attempt %d has a ceiling of %d ms (full jitter below it)', (attempt, ceiling) => {
    expect(backoffDelay(attempt, () => 0)).toBe(0)
    expect(backoffDelay(attempt, () => 0.5)).toBe(ceiling / 2)
    expect(backoffDelay(attempt, () => 0.999_999)).toBe(ceiling - 1)
  })

  it('honours other bases and caps', () => {
    expect(backoffDelay(3, () => 0.5, 100, 500)).toBe(250)
  })
})

describe('trustedHeartbeatMs', () => {
  it.each([
    [15, 15],
    [15_000, 15_000],
    [60_000, 60_000],
    [60_001, 60_000],
    [3_600_000, 60_000],
  ])('%i ms announced -> %i ms', (announced, trusted) => {
    expect(trustedHeartbeatMs(announced)).toBe(trusted)
  })
})
