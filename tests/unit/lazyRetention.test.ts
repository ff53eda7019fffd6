import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StateEvent } from '../../src/protocol'
import {
  applyBatch,
  emptyBoardState,
  PRUNE_GROWTH_MIN,
  stateFromSnapshot,
  UNPRUNED_CAP,
} from '../../src/domain/boardState'
import { applyEvents } from '../../src/domain/reducer'
import * as rules from '../../src/domain/retention'
import { useBoardStore } from '../../src/stores/board'
import { build, buildEvent, deployment, deploymentEvent, iso, pullRequest } from './fixtures/entities'

// The page's store loads retention's rules in a chunk of their own after its first batch
// (src/stores/board.ts). Until then nothing is pruned; once they are in, the store prunes what
// became due, and from there on it holds what the reducer with the rules bound holds.

const NOW = Date.parse(iso(0))

/** A batch of `count` builds of one pipeline: far past the growth threshold and the history kept per pipeline. */
const pipelineBatch = (count: number, from = 1): StateEvent[] =>
  Array.from({ length: count }, (_, i) => buildEvent(build({ id: `b${from + i}`, number: from + i }), `e-${from + i}`))

describe('applyBatch without the rules', () => {
  it('prunes nothing and leaves the marks, so the first batch with the rules prunes what became due', () => {
    const events = [
      ...pipelineBatch(PRUNE_GROWTH_MIN + 20),
      deploymentEvent(deployment({ id: 'd1', updatedAt: iso(1) })),
      deploymentEvent(deployment({ id: 'd2', updatedAt: iso(2) })),
    ]
    const start = emptyBoardState(NOW)
    const unpruned = applyBatch(start, events, NOW, null)
    expect(unpruned.builds.size).toBe(PRUNE_GROWTH_MIN + 20)
    expect(unpruned.deployments.size).toBe(2)
    expect(unpruned.retention).toBe(start.retention)

    // No events: the rules' arrival alone prunes builds and deployments as one batch would have.
    const caughtUp = applyBatch(unpruned, [], NOW, rules)
    const eager = applyEvents(start, events, NOW)
    // Named as well as compared, so the two cannot agree on keeping everything: one pipeline keeps its newest builds.
    const total = PRUNE_GROWTH_MIN + 20
    const newest = Array.from({ length: rules.RETENTION.buildsPerPipeline }, (_, i) => `b${total - i}`)
    expect([...caughtUp.builds.keys()].sort()).toEqual(newest.sort())
    expect([...caughtUp.builds.keys()]).toEqual([...eager.builds.keys()])
    expect([...caughtUp.deployments.keys()]).toEqual(['d2'])
    expect(caughtUp.retention).toEqual(eager.retention)
  })

  it('holds at most UNPRUNED_CAP of a kind, dropping the entries held longest', () => {
    const held = stateFromSnapshot({ builds: [build({ id: 'first' })], pullRequests: [], deployments: [] }, NOW)
    const next = applyBatch(held, pipelineBatch(UNPRUNED_CAP), NOW, null)
    expect(next.builds.size).toBe(UNPRUNED_CAP)
    expect(next.builds.has('first')).toBe(false)
    expect(next.builds.has(`b${UNPRUNED_CAP}`)).toBe(true)
    expect(held.builds.has('first')).toBe(true)
  })

  it('with the rules is the reducer the stub and the tests use', () => {
    const state = stateFromSnapshot({ builds: [], pullRequests: [pullRequest({ state: 'merged' })], deployments: [] })
    const events = pipelineBatch(PRUNE_GROWTH_MIN * 2)
    const later = NOW + 10 * 60_000
    expect(applyBatch(state, events, later, rules)).toEqual(applyEvents(state, events, later))
  })
})

describe('the board store and the rules chunk', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('asks for the rules with its first batch and prunes once they are in, as the eager reducer would', async () => {
    const board = useBoardStore()
    const events = pipelineBatch(PRUNE_GROWTH_MIN * 2)
    board.enqueueAll(events)
    board.flush()
    // The chunk is on its way: the batch is held whole for now.
    expect(board.builds.size).toBe(events.length)
    await board.loadRetention()
    const eager = applyEvents(emptyBoardState(), events, Date.now())
    expect([...board.builds.keys()]).toEqual([...eager.builds.keys()])
    expect(board.current().retention).toEqual({ ...eager.retention, prunedAt: board.current().retention.prunedAt })

    // From then on every batch prunes as the reducer does.
    const more = pipelineBatch(PRUNE_GROWTH_MIN * 2, 1000)
    board.enqueueAll(more)
    board.flush()
    expect([...board.builds.keys()]).toEqual([...applyEvents(eager, more, Date.now()).builds.keys()])
  })
})
