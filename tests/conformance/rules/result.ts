export type Verdict = 'PASS' | 'FAIL' | 'SKIP'

export interface RuleResult {
  rule: string
  verdict: Verdict
  detail: string
}

export const pass = (rule: string, detail: string): RuleResult => ({ rule, verdict: 'PASS', detail })
export const fail = (rule: string, detail: string): RuleResult => ({ rule, verdict: 'FAIL', detail })
export const skip = (rule: string, detail: string): RuleResult => ({ rule, verdict: 'SKIP', detail })

export function formatResult(r: RuleResult): string {
  return `${r.verdict} ${r.rule} - ${r.detail}`
}
