import type { Browser, CDPSession } from 'playwright-core'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { probedPage } from './browser'
import { analyzeUnboundObjects, describeGrowth, keepsGrowing, type GrowingObject } from './memlab'
import { metric, notMeasured, sleep, type BenchContext, type Metric } from './metrics'
import { openLiveWall, resetProbe } from './pageRun'
import type { Publisher } from './publisher'

// Soak, page side: the live page at 1,000 events/s for two minutes. Heap after forced GC, DOM
// nodes and JS listeners at start, middle and end; a heap snapshot at each, and memlab's
// `analyze unbound-object` on the three names any object that grew at every one.

const RATE = 1000

interface PageMemory {
  heap: number
  nodes: number
  listeners: number
}

async function pageMemory(cdp: CDPSession): Promise<PageMemory> {
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  const heap = await cdp.send('Runtime.getHeapUsage')
  const counters = await cdp.send('Memory.getDOMCounters')
  return { heap: heap.usedSize, nodes: counters.nodes, listeners: counters.jsEventListeners }
}

async function writeHeapSnapshot(cdp: CDPSession, file: string): Promise<void> {
  const chunks: string[] = []
  const onChunk = (event: { chunk: string }) => chunks.push(event.chunk)
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
  writeFileSync(file, chunks.join(''))
}

/**
 * Where the three snapshots go: BENCH_HEAP_SNAPSHOTS=<dir> keeps them; a full run writes them
 * to its temp folder for memlab; --quick (three minutes in all) takes none unless asked.
 */
function snapshotDir(ctx: BenchContext): string | null {
  const dir = process.env.BENCH_HEAP_SNAPSHOTS ?? (ctx.quick ? null : join(ctx.tmpDir, 'heap'))
  if (dir) mkdirSync(dir, { recursive: true })
  return dir
}

export async function pageSoak(
  ctx: BenchContext,
  browser: Browser,
  url: string,
  publisher: Publisher,
): Promise<Metric[]> {
  const seconds = ctx.quick ? 6 : 120
  const snapshots = snapshotDir(ctx)
  const page = await probedPage(browser)
  const marks: PageMemory[] = []
  try {
    const cdp = await page.context().newCDPSession(page)
    await openLiveWall(page, url)
    // The wall first grows to its working size (retention bounds it); the start mark comes after.
    await publisher.run(RATE, ctx.quick ? 3 : 30)
    for (let mark = 0; mark < 3; mark++) {
      if (mark > 0) await publisher.run(RATE, seconds / 2)
      await sleep(1000)
      await resetProbe(page) // the probe's own records are not the page's
      marks.push(await pageMemory(cdp))
      if (snapshots) await writeHeapSnapshot(cdp, join(snapshots, `s${mark + 1}.heapsnapshot`))
    }
  } finally {
    await page.context().close()
  }
  const [start, middle, end] = marks as [PageMemory, PageMemory, PageMemory]
  ctx.log(
    `page soak ${seconds} s at ${RATE}/s: ${marks.map((m) => `heap ${(m.heap / 1e6).toFixed(2)} MB nodes ${m.nodes} listeners ${m.listeners}`).join(' -> ')}`,
  )
  const MB = 1024 * 1024
  const label = `soak (page, ${seconds} s at 1,000/s)`
  return [
    // --quick is too short for the wall to settle after its warm-up: the figure is shown, not judged.
    metric(
      'soak.page.heapGrowth',
      `${label}: heap end - start after GC`,
      'MB',
      ctx.quick ? null : { op: '<=', limit: 1 },
      [(end.heap - start.heap) / MB],
    ),
    metric('soak.page.heapMiddle', `${label}: heap middle - start after GC`, 'MB', null, [
      (middle.heap - start.heap) / MB,
    ]),
    metric(
      'soak.page.nodes',
      `${label}: DOM nodes end - start`,
      'nodes',
      null,
      [end.nodes - start.nodes],
      'cards come and go with the wall; growth without end would show over several runs',
    ),
    metric('soak.page.listeners', `${label}: event listeners end - start`, 'listeners', null, [
      end.listeners - start.listeners,
    ]),
    metric('soak.page.listenersEnd', `${label}: event listeners at end`, 'listeners', null, [end.listeners]),
    await memlabMetric(ctx, label, snapshots),
  ]
}

async function memlabMetric(ctx: BenchContext, label: string, snapshots: string | null): Promise<Metric> {
  const id = 'soak.page.memlabGrowing'
  const title = `${label}: objects memlab finds growing at every snapshot`
  if (!snapshots)
    return notMeasured(
      id,
      title,
      'objects',
      null,
      'no heap snapshots in --quick (BENCH_HEAP_SNAPSHOTS=<dir> takes them)',
    )
  const started = performance.now()
  let growing: GrowingObject[]
  try {
    growing = keepsGrowing(await analyzeUnboundObjects(snapshots))
  } catch (error) {
    return notMeasured(id, title, 'objects', null, String(error))
  }
  ctx.log(
    `memlab unbound-object (${((performance.now() - started) / 1000).toFixed(0)} s): ` +
      (growing.length === 0 ? 'nothing grew at every snapshot' : growing.map(describeGrowth).join('; ')),
  )
  const top = growing.slice(0, 3).map(describeGrowth).join('; ')
  return metric(id, title, 'objects', null, [growing.length], top ? `largest: ${top}` : undefined)
}
