import type { EventSourceMessage } from 'eventsource-parser'
import { parseEventId } from '../../src/protocol'
import { openProbe, type StreamProbe } from './client'
import { checkHello, checkSnapshot } from './rules/greeting'
import { checkHeaders, checkRetryFirst, checkStatus } from './rules/headers'
import { checkFreshSnapshot, checkResume } from './rules/resume'
import { fail, skip, type RuleResult } from './rules/result'
import { checkHeartbeat, checkPerConnectionIds, checkStateSequence, isState } from './rules/sequence'

// Runs every rule against a stream URL. Needs no control over the server: it only
// connects, watches, and reconnects with ids it saw (or made up).

export interface ConformanceOptions {
  /** How long to wait for the first events of a connection. */
  connectTimeoutMs?: number
  onResult?: (result: RuleResult) => void
}

const LATER_RULES = [
  'heartbeat',
  'state-ids-contiguous',
  'per-connection-events-without-id',
  'resume-header',
  'resume-query',
  'resume-latest',
  'odd-id-garbage',
  'odd-id-other-epoch',
  'odd-id-future',
  'odd-id-query',
]

export async function runConformance(streamUrl: string, options: ConformanceOptions = {}): Promise<RuleResult[]> {
  const results: RuleResult[] = []
  const report = (r: RuleResult) => {
    results.push(r)
    options.onResult?.(r)
  }
  const timeout = options.connectTimeoutMs ?? 10_000
  const probes: StreamProbe[] = []
  const open = async (url: string, headers: Record<string, string> = {}) => {
    const probe = await openProbe(url, headers)
    probes.push(probe)
    return probe
  }
  try {
    let main: StreamProbe
    try {
      main = await open(streamUrl)
    } catch (error) {
      report(fail('status', `could not connect: ${error instanceof Error ? error.message : String(error)}`))
      return results
    }
    report(checkStatus(main.status))
    report(checkHeaders(main.headers))
    await main.waitFor((_e) => main.events.length >= 2, timeout)
    report(checkRetryFirst(main.raw()))
    const hello = checkHello(main.events[0], false)
    report(hello)
    const snapshotResult = checkSnapshot(main.events[1])
    report(snapshotResult)
    if (!hello.hello || snapshotResult.verdict !== 'PASS') {
      for (const rule of LATER_RULES) report(skip(rule, 'needs a valid hello and snapshot'))
      return results
    }
    const heartbeatMs = hello.hello.heartbeatMs
    const snapshotId = main.events[1]!.id!
    const epoch = parseEventId(snapshotId)!.epoch

    const heartbeatWait = Math.ceil(heartbeatMs * 1.5)
    report(checkHeartbeat(await main.waitFor((e) => e.event === 'heartbeat', heartbeatWait, 2), heartbeatWait))
    // Resume needs something to replay: wait (up to two heartbeats in all) for a state event.
    const firstState = await main.waitFor(isState, heartbeatMs * 2, 2)
    report(checkStateSequence(main.events.slice(2), snapshotId))
    report(checkPerConnectionIds(main.events))

    const seenAfterSnapshot = (): EventSourceMessage[] => main.events.slice(2).filter(isState)
    if (!firstState) {
      const why = `the stream was idle (no state event) for ${heartbeatMs * 2} ms (heartbeatMs x 2): nothing to replay`
      report(skip('resume-header', why))
      report(skip('resume-query', why))
    } else {
      const seen = seenAfterSnapshot()
      report(
        await checkResume(
          'resume-header',
          await open(streamUrl, { 'Last-Event-ID': snapshotId }),
          snapshotId,
          seen,
          timeout,
        ),
      )
      const queryUrl = new URL(streamUrl)
      queryUrl.searchParams.set('lastEventId', snapshotId)
      report(await checkResume('resume-query', await open(queryUrl.href), snapshotId, seen, timeout))
    }
    const latest = seenAfterSnapshot().at(-1)?.id ?? snapshotId
    report(await checkResume('resume-latest', await open(streamUrl, { 'Last-Event-ID': latest }), latest, [], timeout))

    const latestSeq = parseEventId(latest)!.seq
    const otherEpoch = epoch === 'zz9other' ? 'zz8other' : 'zz9other'
    const odd: [string, string][] = [
      ['odd-id-garbage', 'garbage!%$-not-an-id'],
      ['odd-id-other-epoch', `${otherEpoch}-1`],
      ['odd-id-future', `${epoch}-${latestSeq + 1_000_000}`],
    ]
    for (const [rule, id] of odd) {
      report(await checkFreshSnapshot(rule, await open(streamUrl, { 'Last-Event-ID': id }), epoch, timeout))
    }
    const oddQuery = new URL(streamUrl)
    oddQuery.searchParams.set('lastEventId', `${otherEpoch}-1`)
    report(await checkFreshSnapshot('odd-id-query', await open(oddQuery.href), epoch, timeout))
    return results
  } finally {
    for (const probe of probes) probe.close()
  }
}
