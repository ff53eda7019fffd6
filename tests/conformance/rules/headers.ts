import { fail, pass, type RuleResult } from './result'

export function checkStatus(status: number): RuleResult {
  return status === 200 ? pass('status', '200') : fail('status', `expected 200, got ${status}`)
}

export function checkHeaders(headers: Headers): RuleResult {
  const problems: string[] = []
  const type = headers.get('content-type') ?? ''
  if (!/^text\/event-stream\b/i.test(type)) problems.push(`content-type is "${type}", expected text/event-stream`)
  const cache = headers.get('cache-control') ?? ''
  if (!/\bno-cache\b/i.test(cache)) problems.push(`cache-control is "${cache}", expected no-cache`)
  const encoding = headers.get('content-encoding')
  if (encoding && encoding !== 'identity')
    problems.push(`content-encoding is "${encoding}": a stream must not be compressed`)
  return problems.length === 0
    ? pass('headers', `content-type ${type}, cache-control ${cache}, not compressed`)
    : fail('headers', problems.join('; '))
}

/** The first field of the stream is `retry:`, so clients learn the reconnect delay before anything can fail. */
export function checkRetryFirst(raw: string): RuleResult {
  const firstLine = raw.split(/\r\n|\r|\n/).find((line) => line !== '' && !line.startsWith(':'))
  const match = firstLine ? /^retry:\s?(\d+)$/.exec(firstLine) : null
  if (!match) return fail('retry-first', `first line is ${JSON.stringify(firstLine ?? '')}, expected "retry: <ms>"`)
  return pass('retry-first', `retry: ${match[1]} ms`)
}
