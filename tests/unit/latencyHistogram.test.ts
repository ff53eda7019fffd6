import { describe, expect, it } from 'vitest'
import {
  encodeLatencies,
  newLatencyHistogram,
  recordLatencyMs,
  summariseLatencies,
} from '../bench/lib/latencyHistogram'
import { percentile } from '../bench/lib/metrics'

// The fan-out bench reads its p50/p99 from the load generators' histograms added together:
// they must agree with the exact percentiles of all the samples.

function generator(samples: number[]): string {
  const histogram = newLatencyHistogram()
  for (const ms of samples) recordLatencyMs(histogram, ms)
  return encodeLatencies(histogram)
}

describe('fan-out latency histograms', () => {
  it('adds up the generators and reads percentiles within 0.1% of the exact ones', () => {
    // Two generators with different spreads, so a wrong merge (one generator only) shows.
    const fast = Array.from({ length: 5000 }, (_, i) => 2 + (i % 100) * 0.37)
    const slow = Array.from({ length: 5000 }, (_, i) => 40 + (i % 250) * 0.81)
    const summary = summariseLatencies([generator(fast), generator(slow)])
    const all = [...fast, ...slow]
    expect(summary.count).toBe(10_000)
    expect(Math.abs(summary.p50 / percentile(all, 50)! - 1)).toBeLessThan(0.001)
    expect(Math.abs(summary.p99 / percentile(all, 99)! - 1)).toBeLessThan(0.001)
  })

  it('says nothing arrived instead of a figure', () => {
    const summary = summariseLatencies([generator([]), generator([])])
    expect(summary.count).toBe(0)
    expect(summary.p99).toBeNaN()
  })

  it('keeps an arrival later than a minute as a minute, not an error', () => {
    const summary = summariseLatencies([generator([5, 120_000])])
    expect(summary.count).toBe(2)
    expect(summary.p99).toBeGreaterThanOrEqual(59_900)
  })
})
