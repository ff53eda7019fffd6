import { runConformance } from './run'
import { formatResult } from './rules/result'

// npm run conformance -- http://127.0.0.1:8080/api/stream
// One line per rule, `PASS|FAIL|SKIP rule - detail`; exit 1 when any rule fails.

async function main(): Promise<number> {
  const url = process.argv[2]
  if (!url || url === '--help' || url === '-h') {
    console.error('usage: npm run conformance -- <stream-url>   e.g. http://127.0.0.1:8080/api/stream')
    return 2
  }
  try {
    new URL(url)
  } catch {
    console.error(`not a URL: ${url}`)
    return 2
  }
  const results = await runConformance(url, { onResult: (r) => console.log(formatResult(r)) })
  const failed = results.filter((r) => r.verdict === 'FAIL').length
  const skipped = results.filter((r) => r.verdict === 'SKIP').length
  console.log(`${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`)
  return failed > 0 ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
