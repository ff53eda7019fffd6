import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js'

// Publish-to-receive latencies of the fan-out bench, in HdrHistogram form: each load generator
// records its (event, stream) pairs into one, sends it encoded (a few hundred bytes instead of
// one number per pair), and the bench adds them up. Microseconds with three significant
// digits: a figure is within 0.1% of the exact percentile.

const MICROS_PER_MS = 1000

export function newLatencyHistogram(): Histogram {
  // Up to a minute; a later arrival is recorded as a minute (auto-resize would hide it as growth).
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000 * MICROS_PER_MS, autoResize: false })
}

export function recordLatencyMs(histogram: Histogram, ms: number): void {
  const micros = Math.round(ms * MICROS_PER_MS)
  histogram.recordValue(Math.min(Math.max(micros, 0), histogram.highestTrackableValue))
}

export const encodeLatencies = (histogram: Histogram): string => encodeIntoCompressedBase64(histogram)

export interface LatencySummary {
  count: number
  p50: number
  p99: number
}

/** Adds up the generators' encoded histograms; percentiles in ms (NaN when nothing arrived). */
export function summariseLatencies(encoded: string[]): LatencySummary {
  const total = newLatencyHistogram()
  for (const part of encoded) {
    const histogram = decodeFromCompressedBase64(part)
    total.add(histogram)
    histogram.destroy()
  }
  const count = total.totalCount
  const at = (p: number) => (count === 0 ? Number.NaN : total.getValueAtPercentile(p) / MICROS_PER_MS)
  const summary = { count, p50: at(50), p99: at(99) }
  total.destroy()
  return summary
}
