import { computed } from 'vue'
import {
  deploymentGrid,
  isProductionFailure,
  pipelineRows,
  pullRequestRows,
  shownPullRequests,
} from '../domain/columns'
import type { Filters } from '../domain/filters'
import { useBoardStore } from '../stores/board'
import { useClockStore } from '../stores/clock'
import { useConnectionStore } from '../stores/connection'
import { useHeldOrder } from './useHeldOrder'

/**
 * What the wall shows, derived from the stores with one computed per column. The maps are
 * replaced whole per batch, so each computed reruns once per batch, never per event.
 */
export function useWallModel(filters: Pick<Filters, 'repos' | 'services'>) {
  const board = useBoardStore()
  const clock = useClockStore()
  const connection = useConnectionStore()

  const now = computed(() => clock.now)
  const sortedPipelines = computed(() => pipelineRows(board.builds.values(), filters.repos))
  const pipelines = useHeldOrder(
    () => sortedPipelines.value,
    (row) => row.key,
  )
  const allPullRequests = computed(() => pullRequestRows(board.pullRequests, filters.repos))
  // Only this cheap filter follows the clock: merged and closed PRs leave after a while.
  const shownPrs = computed(() => shownPullRequests(allPullRequests.value, clock.now))
  const pullRequests = useHeldOrder(
    () => shownPrs.value,
    (row) => row.pr.id,
  )
  const deployments = computed(() => deploymentGrid(board.deployments.values(), filters.services))
  const productionFailures = computed(() =>
    deployments.value.rows
      .filter((row) => row.cells.some((d) => d !== null && isProductionFailure(d)))
      .map((row) => row.service),
  )
  const counts = computed(() => ({
    builds: pipelines.value.length,
    pullRequests: pullRequests.value.length,
    deployments: deployments.value.cellCount,
  }))
  // lastDataAt is local time; the clock is server time: compare like with like.
  const dataAgeMs = computed(() =>
    connection.lastDataAt === null ? null : Math.max(0, clock.now - clock.serverOffsetMs - connection.lastDataAt),
  )
  const status = computed(() => connection.status)

  return { now, pipelines, pullRequests, deployments, productionFailures, counts, dataAgeMs, status }
}
