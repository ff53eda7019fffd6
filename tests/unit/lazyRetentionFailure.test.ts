import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { PRUNE_INTERVAL_MS, PRUNE_GROWTH_MIN } from '../../src/domain/boardState'
import { useBoardStore } from '../../src/stores/board'
import { useClockStore } from '../../src/stores/clock'
import { build, buildEvent, iso, pullRequest } from './fixtures/entities'

// The rules chunk (src/stores/board.ts) failing to load, as after a deploy that removed it or
// on a dropped connection: the board keeps working unpruned, and asks again when a prune is due.

const chunk = vi.hoisted(() => ({ fails: true, asked: 0 }))
vi.mock('../../src/domain/retention', async (importOriginal) => {
  chunk.asked++
  if (chunk.fails) throw new Error('chunk did not load')
  return importOriginal()
})

beforeEach(() => {
  chunk.fails = true
  chunk.asked = 0
  setActivePinia(createPinia())
  vi.useFakeTimers()
  vi.setSystemTime(Date.parse(iso(0)))
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

it('does not ask for the rules at start-up, only once a prune could be due', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const clock = useClockStore()
  const board = useBoardStore()
  clock.start()
  await vi.advanceTimersByTimeAsync(3 * PRUNE_INTERVAL_MS)
  expect(chunk.asked).toBe(0)
  // A board with pull requests to age out asks at the prune interval, even with no batch.
  board.applySnapshot({ builds: [], pullRequests: [pullRequest({ state: 'merged' })], deployments: [] }, 'e-0')
  await vi.advanceTimersByTimeAsync(PRUNE_INTERVAL_MS - 1000)
  expect(chunk.asked).toBe(0)
  await vi.advanceTimersByTimeAsync(1000)
  await vi.waitFor(() => expect(chunk.asked).toBe(1))
  clock.stop()
})

it('keeps the board unpruned after a failed load, asks again each prune interval, logs once, and prunes once the rules load', async () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  const clock = useClockStore()
  const board = useBoardStore()
  clock.start()
  board.applySnapshot({ builds: [], pullRequests: [], deployments: [] }, 'e-0')
  const count = PRUNE_GROWTH_MIN * 2
  for (let n = 1; n <= count; n++) board.enqueue(buildEvent(build({ id: `b${n}`, number: n }), `e-${n}`))
  board.flush()
  await vi.waitFor(() => expect(error).toHaveBeenCalledWith('radiator: pruning did not load', expect.any(Error)))
  expect(board.builds.size).toBe(count)

  expect(chunk.asked).toBe(1)
  const { RETENTION } = await vi.importActual<typeof import('../../src/domain/retention')>('../../src/domain/retention')
  // Not every tick: a prune interval after the failure, and a second failure is not logged again.
  // (The clock's time is its last one-second tick, so the retry comes 9-10 s after the failure.)
  await vi.advanceTimersByTimeAsync(PRUNE_INTERVAL_MS - 2000)
  expect(chunk.asked).toBe(1)
  await vi.advanceTimersByTimeAsync(2000)
  await vi.waitFor(() => expect(chunk.asked).toBe(2))
  chunk.fails = false
  await vi.advanceTimersByTimeAsync(PRUNE_INTERVAL_MS)
  await vi.waitFor(() => expect(board.builds.size).toBe(RETENTION.buildsPerPipeline))
  expect(error).toHaveBeenCalledTimes(1)
  clock.stop()
})
