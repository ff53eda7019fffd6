import type { EventSourceMessage } from 'eventsource-parser'
import { parseEventId, parseFrame, type Hello } from '../../../src/protocol'
import { fail, pass, type RuleResult } from './result'

export function checkHello(
  e: EventSourceMessage | undefined,
  expectReplayed: boolean,
  rule = 'hello-first',
): RuleResult & { hello?: Hello } {
  if (!e) return fail(rule, 'no event arrived')
  if (e.event !== 'hello') return fail(rule, `first event is "${e.event ?? 'message'}", expected hello`)
  if (e.id !== undefined) return fail(rule, `hello carries id "${e.id}"; per-connection events must have none`)
  const parsed = parseFrame('hello', e.data)
  if (!parsed.ok) return fail(rule, `hello data invalid: ${parsed.reason}`)
  const hello = parsed.event.data as Hello
  if (hello.replayed !== expectReplayed)
    return fail(rule, `hello.replayed is ${hello.replayed}, expected ${expectReplayed}`)
  return {
    ...pass(
      rule,
      `connectionId ${hello.connectionId}, serverVersion ${hello.serverVersion}, heartbeatMs ${hello.heartbeatMs}, replayed ${hello.replayed}`,
    ),
    hello,
  }
}

export function checkSnapshot(e: EventSourceMessage | undefined, rule = 'snapshot-next'): RuleResult {
  if (!e) return fail(rule, 'no event after hello')
  if (e.event !== 'snapshot') return fail(rule, `event after hello is "${e.event ?? 'message'}", expected snapshot`)
  const id = parseEventId(e.id)
  if (!id) return fail(rule, `snapshot id ${JSON.stringify(e.id ?? null)} is not <epoch>-<seq>`)
  const parsed = parseFrame('snapshot', e.data, e.id)
  if (!parsed.ok) return fail(rule, `snapshot data invalid: ${parsed.reason}`)
  const data = parsed.event.data as { builds: unknown[]; pullRequests: unknown[]; deployments: unknown[] }
  return pass(
    rule,
    `id ${e.id}: ${data.builds.length} builds, ${data.pullRequests.length} pull requests, ${data.deployments.length} deployments`,
  )
}
