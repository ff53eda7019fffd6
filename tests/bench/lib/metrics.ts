// What every benchmark hands back: one row per metric, with its budget and the values of each run.

export interface Budget {
  op: '<=' | '>='
  limit: number
}

export interface Metric {
  /** Stable key for latest.json, e.g. `page.1000.fps`. */
  id: string
  label: string
  unit: string
  /** null: reported for information, no budget applies. */
  budget: Budget | null
  /** One value per run; empty when the metric could not be measured. */
  runs: number[]
  /** Why a metric is missing or how to read it. */
  note?: string
}

export interface MetricResult extends Metric {
  median: number | null
  min: number | null
  max: number | null
  /** null when there is no budget or nothing was measured. */
  pass: boolean | null
}

export interface BenchContext {
  quick: boolean
  /** Working directory for builds and temp files of this bench run. */
  tmpDir: string
  /** The built page (dist) the stub serves. */
  distDir: string
  log(message: string): void
}

export interface Bench {
  name: string
  run(ctx: BenchContext): Promise<Metric[]>
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export function withinBudget(value: number, budget: Budget): boolean {
  return budget.op === '<=' ? value <= budget.limit : value >= budget.limit
}

export function summarise(metric: Metric): MetricResult {
  const med = median(metric.runs)
  return {
    ...metric,
    median: med,
    min: metric.runs.length ? Math.min(...metric.runs) : null,
    max: metric.runs.length ? Math.max(...metric.runs) : null,
    pass: med === null || metric.budget === null ? null : withinBudget(med, metric.budget),
  }
}

export const metric = (
  id: string,
  label: string,
  unit: string,
  budget: Budget | null,
  runs: number[],
  note?: string,
): Metric => ({ id, label, unit, budget, runs, ...(note ? { note } : {}) })

export const notMeasured = (id: string, label: string, unit: string, budget: Budget | null, why: string): Metric =>
  metric(id, label, unit, budget, [], why)

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
