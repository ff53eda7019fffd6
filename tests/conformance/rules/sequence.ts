import type { EventSourceMessage } from 'eventsource-parser'
import { parseEventId, parseFrame, STATE_EVENT_TYPES } from '../../../src/protocol'
import { fail, pass, skip, type RuleResult } from './result'

const STATE = new Set<string>(STATE_EVENT_TYPES)
const PER_CONNECTION = new Set(['hello', 'heartbeat', 'reconnect', 'log'])

export const isState = (e: EventSourceMessage) => STATE.has(e.event ?? '')

/** State events after `afterId`: same epoch, seq counting up by one, each valid for its schema. */
export function checkStateSequence(
  events: EventSourceMessage[],
  afterId: string,
  rule = 'state-ids-contiguous',
): RuleResult {
  const start = parseEventId(afterId)
  if (!start) return fail(rule, `start id ${afterId} is not <epoch>-<seq>`)
  const state = events.filter(isState)
  if (state.length === 0) return skip(rule, 'no state event arrived while watching')
  let expected = start.seq + 1
  for (const e of state) {
    const id = parseEventId(e.id)
    if (!id) return fail(rule, `${e.event} event has id ${JSON.stringify(e.id ?? null)}, expected <epoch>-<seq>`)
    if (id.epoch !== start.epoch)
      return fail(rule, `epoch changed from ${start.epoch} to ${id.epoch} within one connection`)
    if (id.seq !== expected)
      return fail(
        rule,
        `expected seq ${expected}, got ${e.id} (${id.seq < expected ? 'duplicate or out of order' : 'gap'})`,
      )
    const parsed = parseFrame(e.event!, e.data, e.id)
    if (!parsed.ok) return fail(rule, `${e.event} ${e.id} invalid: ${parsed.reason}`)
    expected++
  }
  return pass(rule, `${state.length} state events ${start.epoch}-${start.seq + 1}..${start.epoch}-${expected - 1}`)
}

export function checkPerConnectionIds(events: EventSourceMessage[]): RuleResult {
  const rule = 'per-connection-events-without-id'
  const withId = events.find((e) => PER_CONNECTION.has(e.event ?? '') && e.id !== undefined)
  if (withId) return fail(rule, `${withId.event} carries id ${withId.id}`)
  const unknown = events.find((e) => !PER_CONNECTION.has(e.event ?? '') && !isState(e) && e.event !== 'snapshot')
  if (unknown) return fail(rule, `unknown event type "${unknown.event ?? 'message'}"`)
  return pass(
    rule,
    `${events.filter((e) => PER_CONNECTION.has(e.event ?? '')).length} per-connection events, none with an id`,
  )
}

export function checkHeartbeat(e: EventSourceMessage | null, waitedMs: number): RuleResult {
  const rule = 'heartbeat'
  if (!e) return fail(rule, `no heartbeat within ${waitedMs} ms (heartbeatMs x 1.5)`)
  if (e.id !== undefined) return fail(rule, `heartbeat carries id ${e.id}`)
  const parsed = parseFrame('heartbeat', e.data)
  if (!parsed.ok) return fail(rule, `heartbeat data invalid: ${parsed.reason}`)
  return pass(
    rule,
    `heartbeat within ${waitedMs} ms, serverTime ${(parsed.event.data as { serverTime: string }).serverTime}`,
  )
}
