import type { EventSourceMessage } from 'eventsource-parser'
import { parseEventId } from '../../../src/protocol'
import type { StreamProbe } from '../client'
import { checkHello, checkSnapshot } from './greeting'
import { checkStateSequence, isState } from './sequence'
import { fail, pass, type RuleResult } from './result'

/**
 * A resumed connection: hello with replayed true, no snapshot, then exactly the state events
 * after `fromId` that the reference connection saw, in order, with no gap.
 */
export async function checkResume(
  rule: string,
  probe: StreamProbe,
  fromId: string,
  seenAfter: EventSourceMessage[],
  timeoutMs: number,
): Promise<RuleResult> {
  if (probe.status !== 200) return fail(rule, `status ${probe.status}, expected 200`)
  const hello = checkHello((await probe.waitFor(() => true, timeoutMs)) ?? undefined, true, rule)
  if (hello.verdict !== 'PASS') return hello
  const lastSeen = seenAfter.at(-1)
  if (lastSeen) {
    const reached = await probe.waitFor((e) => e.id === lastSeen.id, timeoutMs)
    if (!reached) return fail(rule, `replay did not reach ${lastSeen.id} within ${timeoutMs} ms`)
  } else {
    await probe.waitFor(() => false, Math.min(timeoutMs, 500))
  }
  const snapshot = probe.events.find((e) => e.event === 'snapshot')
  if (snapshot) return fail(rule, `a snapshot (id ${snapshot.id}) was sent instead of a replay`)
  const sequence = checkStateSequence(probe.events, fromId, rule)
  if (sequence.verdict === 'FAIL') return sequence
  const replayed = probe.events.filter(isState)
  for (let i = 0; i < seenAfter.length; i++) {
    if (replayed[i]?.id !== seenAfter[i]!.id || replayed[i]?.data !== seenAfter[i]!.data) {
      return fail(
        rule,
        `replayed event ${i + 1} is ${replayed[i]?.id ?? 'missing'}, the live stream had ${seenAfter[i]!.id}`,
      )
    }
  }
  return pass(rule, `from ${fromId}: replayed:true, ${replayed.length} events, no snapshot`)
}

/** An id the server cannot resume from gets 200, hello replayed:false and a fresh snapshot in the current epoch. */
export async function checkFreshSnapshot(
  rule: string,
  probe: StreamProbe,
  epoch: string,
  timeoutMs: number,
): Promise<RuleResult> {
  if (probe.status !== 200)
    return fail(rule, `status ${probe.status}, expected 200 (an error status stops browsers reconnecting)`)
  const hello = checkHello((await probe.waitFor(() => true, timeoutMs)) ?? undefined, false, rule)
  if (hello.verdict !== 'PASS') return hello
  const snapshotEvent = await probe.waitFor(() => true, timeoutMs, 1)
  const snapshot = checkSnapshot(snapshotEvent ?? undefined, rule)
  if (snapshot.verdict !== 'PASS') return snapshot
  const id = parseEventId(snapshotEvent!.id)
  if (id?.epoch !== epoch) return fail(rule, `snapshot epoch ${id?.epoch} differs from ${epoch}`)
  return pass(rule, `200, replayed:false, snapshot ${snapshotEvent!.id}`)
}
