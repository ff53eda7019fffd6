import type { Browser, CDPSession, Page } from 'playwright-core'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { plainPage } from './browser'
import { analyzeUnboundObjects, describeGrowth, keepsGrowing, type GrowingObject } from './memlab'
import { metric, notMeasured, sleep, type BenchContext, type Metric } from './metrics'
import { openLiveWall, seedWall } from './pageRun'
import { DAY_MS, HOUR_MS, simulatedDay } from './simulatedDay'

// Soak, page side: the live page through a simulated day (over a million events, at 5,000 a
// second: four minutes). Heap after forced GC, DOM nodes and JS listeners at start (one
// simulated hour in, once the wall has reached its working size), middle and end; a heap
// snapshot at each, and memlab's `analyze unbound-object` on the three names any object that
// grew at every one. No probe in this page: its records would grow with the day.

const RATE = 5000

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

/** What the columns hold (their data-count), to tell a wall still filling up from a leak. */
const heldCounts = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-column]')]
      .map((c) => `${c.getAttribute('data-column')} ${c.getAttribute('data-count')}`)
      .join(', '),
  )

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

export async function pageSoak(ctx: BenchContext, browser: Browser, url: string): Promise<Metric[]> {
  // --quick: 45 simulated minutes in 15-minute steps (about 37,000 events), shown but not judged.
  const QUARTER = HOUR_MS / 4
  const marksAt = ctx.quick ? [QUARTER, 2 * QUARTER, 3 * QUARTER] : [HOUR_MS, DAY_MS / 2, DAY_MS]
  const snapshots = snapshotDir(ctx)
  const day = simulatedDay()
  // The page's address may carry a path or query; events go to the stub itself.
  const stub = new URL(url).origin
  await seedWall(stub, day.start)
  const page = await plainPage(browser)
  const marks: PageMemory[] = []
  const held: string[] = []
  let events = 0
  const started = performance.now()
  try {
    const cdp = await page.context().newCDPSession(page)
    await openLiveWall(page, url)
    for (const [mark, at] of marksAt.entries()) {
      events += await day.publish(stub, RATE, (elapsed) => elapsed >= at)
      await sleep(1000)
      marks.push(await pageMemory(cdp))
      held.push(await heldCounts(page))
      if (snapshots) await writeHeapSnapshot(cdp, join(snapshots, `s${mark + 1}.heapsnapshot`))
    }
  } finally {
    await page.context().close()
  }
  const [start, middle, end] = marks as [PageMemory, PageMemory, PageMemory]
  const hours = day.elapsed() / HOUR_MS
  ctx.log(
    `page soak: ${events} events, ${hours.toFixed(1)} simulated h in ${((performance.now() - started) / 1000).toFixed(0)} s: ` +
      marks
        .map((m, i) => `heap ${(m.heap / 1e6).toFixed(2)} MB nodes ${m.nodes} listeners ${m.listeners} (${held[i]})`)
        .join(' -> '),
  )
  const MB = 1024 * 1024
  const label = `soak (page, ${ctx.quick ? '45 simulated min' : '24 simulated h'})`
  return [
    metric('soak.page.events', `${label}: state events at ${RATE.toLocaleString('en')}/s`, 'events', null, [events]),
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
    metric('soak.page.heapStart', `${label}: heap at start after GC`, 'MB', null, [start.heap / MB]),
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
  const title = `${label}: of memlab's 20 largest growing objects, those growing at every snapshot`
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
