import type { Budget, MetricResult } from './metrics'

// The one table `npm run bench` prints.

function formatNumber(value: number | null): string {
  if (value === null) return '-'
  const abs = Math.abs(value)
  if (abs >= 100_000) return Math.round(value).toLocaleString('en-US')
  if (abs >= 100) return value.toFixed(0)
  if (abs >= 10) return value.toFixed(1)
  return value.toFixed(2)
}

function formatBudget(budget: Budget | null, unit: string): string {
  if (!budget) return '(info)'
  return `${budget.op} ${formatNumber(budget.limit)} ${unit}`.trim()
}

export function renderTable(rows: readonly MetricResult[]): string {
  const header = ['metric', 'budget', 'median', 'min-max', 'runs', 'result']
  const body = rows.map((row) => [
    row.label,
    formatBudget(row.budget, row.unit),
    row.median === null ? 'not measured' : `${formatNumber(row.median)} ${row.unit}`.trim(),
    row.min === null ? '-' : `${formatNumber(row.min)}-${formatNumber(row.max)}`,
    String(row.runs.length),
    row.pass === null ? (row.median === null ? 'n/a' : 'info') : row.pass ? 'pass' : 'FAIL',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)]
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.label}: ${r.note}`)
  if (notes.length) out.push('', 'notes:', ...notes)
  return out.join('\n')
}
