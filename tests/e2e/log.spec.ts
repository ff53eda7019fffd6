import { expect, test, type Page } from '@playwright/test'
import { ingest, startStub, type RunningStub } from './support/stub'

// The live log over the one stream: follow on open, resume across recycles, close with Escape.
// Runs against the built page (`npx vite build` first) served by the real stub, simulator off.

let stub: RunningStub | null = null

test.afterEach(async () => {
  await stub?.stop()
  stub = null
})

const BUILD_ID = 'log-e2e-1'

function runningBuild(url: string | null) {
  const now = Date.now()
  return {
    type: 'build',
    data: {
      id: BUILD_ID,
      repo: 'payments-api',
      branch: 'feature/log-panel',
      number: 4711,
      status: 'running',
      commit: { sha: 'abc1234def', message: 'Stream the build log', author: 'ana' },
      startedAt: new Date(now - 95_000).toISOString(),
      finishedAt: null,
      updatedAt: new Date(now).toISOString(),
      expectedDurationMs: 600_000,
      url,
    },
  }
}

const logLines = (lines: string[]) => ({ type: 'log', data: { buildId: BUILD_ID, lines } })
const plain = (from: number, count: number) => Array.from({ length: count }, (_, i) => `line ${from + i}`)

/** Counts /api/stream requests whose response is still open, and the most ever open at once. */
function watchStreams(page: Page) {
  const open = new Set<unknown>()
  const counts = { opened: 0, maxOpen: 0 }
  const isStream = (url: string) => new URL(url).pathname === '/api/stream'
  page.on('request', (req) => {
    if (!isStream(req.url())) return
    open.add(req)
    counts.opened++
    counts.maxOpen = Math.max(counts.maxOpen, open.size)
  })
  const done = (req: unknown) => open.delete(req)
  page.on('requestfinished', done)
  page.on('requestfailed', done)
  return { counts, open: () => open.size }
}

async function openLog(page: Page) {
  await page.goto(`${stub!.url}/`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  await page.locator(`[data-kind="build"][data-id="${BUILD_ID}"]`).click()
  const panel = page.locator(`[data-log][data-build-id="${BUILD_ID}"]`)
  await expect(panel).toBeVisible()
  return panel
}

async function shownOffsets(page: Page): Promise<number[]> {
  return page
    .locator('[data-log] [data-line]')
    .evaluateAll((lines) => lines.map((line) => Number(line.getAttribute('data-line'))))
}

test('a running build log streams live, survives recycles with every line once, and closes with Escape', async ({
  page,
}) => {
  test.setTimeout(90_000)
  stub = await startStub({ SIM: '0', RECYCLE_MS: '3000', HEARTBEAT_MS: '1000' })
  const url = stub.url
  await ingest(url, runningBuild('javascript:alert(1)'))
  const opening = [
    '\u001b[1m##[group] Checkout\u001b[0m',
    'Fetching origin/feature/log-panel',
    '\u001b[31mError: red text\u001b[0m and plain',
    '<img src=x onerror="window.__pwned = 1"> should stay text',
    '<script>window.__pwned = 2</script>',
    ...plain(5, 45),
  ]
  await ingest(url, logLines(opening))

  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text())
  })
  const streams = watchStreams(page)
  const follows: { method: string; body: Record<string, unknown> }[] = []
  page.on('request', (req) => {
    if (new URL(req.url()).pathname !== '/api/follow') return
    follows.push({ method: req.method(), body: JSON.parse(req.postData() ?? '{}') as Record<string, unknown> })
  })

  const panel = await openLog(page)
  await expect(panel).toHaveAttribute('role', 'dialog')
  await expect(panel).toHaveAttribute('aria-label', /payments-api feature\/log-panel #4711/)
  await expect(panel.locator('[data-line="49"]')).toBeAttached()
  expect(follows[0]).toEqual({
    method: 'POST',
    body: { connectionId: expect.any(String), buildId: BUILD_ID, fromOffset: 0 },
  })
  // A javascript: url is never a link.
  await expect(panel.locator('a')).toHaveCount(0)

  // Colour as styled spans; markup as inert text.
  const red = panel.locator('[data-line="2"] span.ansi-red-fg')
  await expect(red).toHaveText('Error: red text')
  expect(await red.evaluate((el) => getComputedStyle(el).color)).not.toBe(
    await panel.locator('[data-line="2"]').evaluate((el) => getComputedStyle(el).color),
  )
  await expect(panel.locator('[data-line="0"] span.ansi-bold')).toHaveText('##[group] Checkout')
  await expect(panel.locator('[data-line="3"]')).toHaveText('<img src=x onerror="window.__pwned = 1"> should stay text')
  await expect(panel.locator('img, script')).toHaveCount(0)
  expect(await panel.evaluate((el) => el.textContent?.includes('\u001b'))).toBe(false)

  // Lines grow live while the stub recycles the stream (every 2.4-3 s) at least twice.
  let next = 50
  const streamsBefore = streams.counts.opened
  const until = Date.now() + 8_000
  while (Date.now() < until || streams.counts.opened < streamsBefore + 2) {
    await ingest(url, logLines(plain(next, 7)))
    next += 7
    await page.waitForTimeout(120)
  }
  await expect(panel.locator(`[data-line="${next - 1}"]`)).toBeAttached({ timeout: 10_000 })

  expect(streams.counts.opened).toBeGreaterThanOrEqual(streamsBefore + 2)
  expect(streams.counts.maxOpen).toBe(1)
  expect(streams.open()).toBe(1)
  const posts = follows.filter((f) => f.method === 'POST')
  expect(posts.length).toBeGreaterThanOrEqual(3)
  expect(new Set(posts.map((p) => p.body.connectionId)).size).toBe(posts.length)
  // Every re-follow asks for the first line not yet received, never from the start.
  expect(posts.slice(1).every((p) => typeof p.body.fromOffset === 'number' && p.body.fromOffset > 0)).toBe(true)

  const offsets = await shownOffsets(page)
  expect(offsets).toEqual(Array.from({ length: next }, (_, i) => i))
  const texts = await panel.locator('[data-line]').allTextContents()
  expect(texts.slice(50)).toEqual(plain(50, next - 50))
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined()

  const unfollow = page.waitForRequest(
    (req) => new URL(req.url()).pathname === '/api/follow' && req.method() === 'DELETE',
  )
  await page.keyboard.press('Escape')
  const deleted = await unfollow
  expect(JSON.parse(deleted.postData() ?? '{}')).toEqual({
    // Read the follows again: a recycle may have re-followed on a new connection since `posts` was taken.
    connectionId: follows.filter((f) => f.method === 'POST').at(-1)!.body.connectionId,
    buildId: BUILD_ID,
  })
  expect((await deleted.response())?.status()).toBe(204)
  await expect(page.locator('[data-log]')).toHaveCount(0)
  await expect(page.locator(`[data-kind="build"][data-id="${BUILD_ID}"]`)).toBeFocused()
  expect(errors).toEqual([])
})

test('the simulator streams a running build log that grows, from its checkout on', async ({ page }) => {
  stub = await startStub({ SIM: '1', SIM_SEED: '3', SIM_SPEED: '4', HEARTBEAT_MS: '1000' })
  await page.goto(`${stub.url}/`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  const card = page.locator('[data-kind="build"][data-status="running"]').first()
  const id = await card.getAttribute('data-id')
  await card.click()
  const panel = page.locator(`[data-log][data-build-id="${id}"]`)
  await expect(panel).toBeVisible()
  await expect(panel.locator('[data-line="0"]')).toHaveText('##[group] Checkout')
  const before = await panel.locator('[data-line]').count()
  await expect.poll(() => panel.locator('[data-line]').count(), { timeout: 15_000 }).toBeGreaterThan(before)
  await expect(panel.locator('span[class^="ansi-"]').first()).toBeAttached()
})

test('the panel links an http(s) build url and pauses following when scrolled up', async ({ page }) => {
  stub = await startStub({ SIM: '0', HEARTBEAT_MS: '1000' })
  await ingest(stub.url, runningBuild('https://ci.example.com/builds/4711'))
  await ingest(stub.url, logLines(plain(0, 400)))
  const panel = await openLog(page)
  await expect(panel.locator('a.log-link')).toHaveAttribute('href', 'https://ci.example.com/builds/4711')
  await expect(panel.locator('[data-line="399"]')).toBeAttached()
  const body = panel.locator('.log-body')
  await expect.poll(() => body.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(10)

  await body.hover()
  await page.mouse.wheel(0, -600)
  await expect(panel.getByRole('button', { name: /Jump to latest/ })).toBeVisible()
  const pausedAt = await body.evaluate((el) => el.scrollTop)
  await ingest(stub.url, logLines(plain(400, 200)))
  await expect(panel.locator('[data-line="599"]')).toBeAttached()
  expect(await body.evaluate((el) => el.scrollTop)).toBeLessThanOrEqual(pausedAt + 1)

  await panel.getByRole('button', { name: /Jump to latest/ }).click()
  await expect(panel.getByRole('button', { name: /Jump to latest/ })).toHaveCount(0)
  await expect.poll(() => body.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(10)
  await ingest(stub.url, logLines(plain(600, 100)))
  await expect(panel.locator('[data-line="699"]')).toBeAttached()
  await expect.poll(() => body.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(10)

  await panel.getByRole('button', { name: 'Close log' }).click()
  await expect(page.locator('[data-log]')).toHaveCount(0)
})

test('a flood of 20,000 lines in a second keeps the page answering input', async ({ page }) => {
  test.setTimeout(90_000)
  stub = await startStub({ SIM: '0', HEARTBEAT_MS: '1000' })
  await ingest(stub.url, runningBuild(null))
  await ingest(stub.url, logLines(plain(0, 10)))
  const panel = await openLog(page)
  await expect(panel.locator('[data-line="9"]')).toBeAttached()

  // In the page: how long each click waits before its handler runs, and Event Timing's
  // duration (input delay + handler + the next paint) for every input.
  await page.evaluate(() => {
    const w = window as unknown as { __inputDelays: number[]; __eventDurations: number[]; __longTasks: number[] }
    w.__inputDelays = []
    w.__eventDurations = []
    w.__longTasks = []
    document.addEventListener('pointerdown', (e) => w.__inputDelays.push(performance.now() - e.timeStamp), true)
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name === 'pointerdown') w.__eventDurations.push(entry.duration)
    }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit)
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration)
    }).observe({ type: 'longtask' })
    // Long animation frames say which script took the time (stream events, the frame's render...).
    const frames: string[] = []
    ;(window as unknown as { __loaf: string[] }).__loaf = frames
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        renderStart: number
        styleAndLayoutStart: number
        scripts: { invoker: string; duration: number; forcedStyleAndLayoutDuration: number }[]
      })[]) {
        const scripts = entry.scripts
          .map((s) => `${s.invoker} ${Math.round(s.duration)}ms (layout ${Math.round(s.forcedStyleAndLayoutDuration)})`)
          .join(', ')
        const end = entry.startTime + entry.duration
        const styleLayoutPaint = entry.styleAndLayoutStart ? Math.round(end - entry.styleAndLayoutStart) : 0
        frames.push(`${Math.round(entry.duration)}ms (style+layout+paint ${styleLayoutPaint}ms): ${scripts}`)
      }
    }).observe({ type: 'long-animation-frame' })
  })

  // 20,000 lines over about a second, as 100 posts of 200 single-line items: the stub joins
  // each post's lines, so the page gets about 100 log events a second of 200 lines each.
  const TOTAL = 20_000
  const PER_POST = 200
  const flood = (async () => {
    const started = Date.now()
    for (let i = 0; i < TOTAL / PER_POST; i++) {
      const items = Array.from({ length: PER_POST }, (_, j) => logLines([`flood ${10 + i * PER_POST + j}`]))
      await ingest(stub!.url, items)
      const due = started + ((i + 1) * 1000) / (TOTAL / PER_POST)
      if (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, due - Date.now()))
    }
    return Date.now() - started
  })()
  const roundTrips: number[] = []
  const header = panel.locator('.log-head')
  const box = (await header.boundingBox())!
  let flooding = true
  void flood.finally(() => (flooding = false))
  while (flooding || roundTrips.length < 10) {
    const t0 = Date.now()
    await page.mouse.click(box.x + 5, box.y + 5)
    roundTrips.push(Date.now() - t0)
    await page.waitForTimeout(40)
    if (roundTrips.length > 200) break
  }
  const floodMs = await flood
  const floodEndedAt = Date.now()
  const last = 10 + TOTAL - 1
  await expect(panel.locator(`[data-line="${last}"]`)).toBeAttached({ timeout: 15_000 })
  const caughtUpAt = Date.now()
  const shown = await panel.locator('[data-line]').count()
  const trimmedText = await panel.locator('[data-log-trimmed]').textContent()
  const figures = await page.evaluate(() => {
    const w = window as unknown as { __inputDelays: number[]; __eventDurations: number[]; __longTasks: number[] }
    return { inputDelays: w.__inputDelays, eventDurations: w.__eventDurations, longTasks: w.__longTasks }
  })
  const max = (xs: number[]) => (xs.length ? Math.round(Math.max(...xs)) : 0)
  const p = (xs: number[], q: number) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : 0
  }
  const report = {
    floodMs,
    clicks: roundTrips.length,
    clickRoundTripMsP50: p(roundTrips, 0.5),
    clickRoundTripMsMax: max(roundTrips),
    inputDelayMsP50: p(figures.inputDelays, 0.5),
    inputDelayMsMax: max(figures.inputDelays),
    eventDurationMsMax: max(figures.eventDurations),
    longTasks: figures.longTasks.length,
    longestTaskMs: max(figures.longTasks),
    caughtUpAfterFloodMs: caughtUpAt - floodEndedAt,
    shownLines: shown,
  }
  console.log(`log flood: ${JSON.stringify(report)}`)
  const loaf = await page.evaluate(() => (window as unknown as { __loaf: string[] }).__loaf)
  console.log(`long animation frames:\n${loaf.filter((f) => parseInt(f) > 100).join('\n')}`)
  test.info().annotations.push({ type: 'log flood', description: JSON.stringify(report) })

  // Following: only the latest 1,000 lines are in the DOM; scrolling up shows all 5,000 kept.
  expect(shown).toBe(1000)
  await panel.locator('.log-body').hover()
  await page.mouse.wheel(0, -400)
  await expect(panel.locator('[data-line]')).toHaveCount(5000)
  await expect(panel.locator(`[data-line="${last + 1 - 5000}"]`)).toBeAttached()
  expect(trimmedText).toBe(`${(last + 1 - 5000).toLocaleString('en-US')} earlier lines trimmed`)
  // A generous bound only: the figures above are what the report quotes.
  expect(report.inputDelayMsMax).toBeLessThan(5000)
})
