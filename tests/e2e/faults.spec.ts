import { cpSync, mkdtempSync, rmSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, type Page } from '@playwright/test'
import { ingest, startStub, type RunningStub } from './support/stub'
import {
  expectBoardEqualsServer,
  expectedCards,
  fault,
  installProbes,
  msUntilLive,
  numberedBuild,
  pageCards,
  readProbe,
  seedWorld,
  serverState,
} from './support/drills'

// Fault drills against the real stub process (FAULTS=1 turns its fault endpoint on). Each ends
// with the board equal to the server's state, no card twice, no blink, and the badge live again
// within a stated time. HEARTBEAT_MS=1000: the watchdog fires after 2.5 s of silence and the
// board turns stale after 2 s without data.

const HEARTBEAT_MS = 1000
const BASE_ENV = { SIM: '0', FAULTS: '1', HEARTBEAT_MS: String(HEARTBEAT_MS), RECYCLE_MS: '0' }

const stubs: RunningStub[] = []
async function stub(env: Record<string, string> = {}, port?: number): Promise<RunningStub> {
  const running = await startStub({ ...BASE_ENV, ...env }, port)
  stubs.push(running)
  return running
}
test.afterEach(async () => {
  for (const running of stubs.splice(0)) await running.stop()
})

async function openLive(page: Page, url: string, path = '/'): Promise<void> {
  await installProbes(page)
  await page.goto(`${url}${path}`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  // The kiosk fits one screen and summarises the rest: its cards are a subset by design.
  if (!path.includes('kiosk')) await expectBoardEqualsServer(page, url)
}

/** The kiosk's columns count everything they hold, shown or not. */
async function expectKioskCountsEqualServer(page: Page, url: string): Promise<void> {
  const expected = expectedCards((await serverState(url)).state)
  for (const [column, kind] of [
    ['builds', 'build'],
    ['pull-requests', 'pull-request'],
    ['deployments', 'deployment'],
  ]) {
    const count = expected.filter((card) => card.startsWith(`${kind}:`)).length
    await expect(page.locator(`[data-column="${column}"]`)).toHaveAttribute('data-count', String(count))
  }
}

async function expectNoFlicker(page: Page): Promise<void> {
  const probe = await readProbe(page)
  expect(probe.minCards, 'the board never emptied').toBeGreaterThan(0)
  expect(probe.blinks, 'no card vanished and came back').toEqual([])
}

const board = (page: Page) => page.locator('main.wall')

test('stub frozen (SIGSTOP) past the watchdog: stale and honest, then live again after SIGCONT', async ({ page }) => {
  const running = await stub()
  await seedWorld(running.url, 'frozen')
  await openLive(page, running.url)
  await expect(board(page)).toHaveAttribute('data-stale', 'false')

  process.kill(running.pid, 'SIGSTOP')
  try {
    // Two heartbeats without data: the board dims, the badge and the banner say so.
    await expect(board(page)).toHaveAttribute('data-stale', 'true', { timeout: 5000 })
    await expect(page.locator('[data-connection="stale"]')).toBeVisible()
    await expect(page.locator('[data-stale-banner]')).toHaveText(/Connection lost \d+ s ago, reconnecting/)
    // Past the watchdog (2.5 heartbeats) the page has given up on the frozen connection.
    await expect.poll(async () => (await readProbe(page)).opens, { timeout: 5000 }).toBeGreaterThan(1)
    await page.waitForTimeout(1500)
  } finally {
    process.kill(running.pid, 'SIGCONT')
  }
  const backAfter = await msUntilLive(page, Date.now(), 10_000)
  await ingest(running.url, { type: 'build', data: numberedBuild('frozen', 99, 'failed') })
  await expectBoardEqualsServer(page, running.url)
  await expect(board(page)).toHaveAttribute('data-stale', 'false')
  await expect(page.locator('[data-stale-banner]')).toHaveCount(0)
  await expectNoFlicker(page)
  console.log(`SIGSTOP: live again ${backAfter} ms after SIGCONT`)
})

test('a laptop scrolled down a long column, with a log open, still sees the badge, the banner and a stale log', async ({
  page,
}) => {
  const running = await stub()
  const events = Array.from({ length: 120 }, (_, i) => ({
    type: 'build',
    data: numberedBuild(`long-${i}`, 1, 'passed'),
  }))
  await ingest(running.url, events)
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto(running.url)
  const column = page.locator('[data-column="builds"]')
  await expect(column).toHaveAttribute('data-count', '120', { timeout: 15_000 })
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
  const badge = page.locator('[data-connection]')
  await expect(badge).toHaveAttribute('data-connection', 'live')
  await expect(badge).toBeInViewport()
  await column.locator('[data-kind="build"]').last().click()
  await expect(page.locator('[data-log]')).toBeVisible()
  await expect(page.locator('[data-log-stale]')).toHaveCount(0)

  process.kill(running.pid, 'SIGSTOP')
  try {
    await expect(badge).toHaveAttribute('data-connection', 'stale', { timeout: 5000 })
    await expect(badge).toBeInViewport()
    await expect(page.locator('[data-stale-banner]')).toBeInViewport()
    // The log rides the same connection: it says so, and its lines dim with the board.
    await expect(page.locator('[data-log-stale]')).toContainText(/Connection lost \d+ s ago/)
    await expect(page.locator('[data-log] .log-body')).toHaveAttribute('data-stale', 'true')
  } finally {
    process.kill(running.pid, 'SIGCONT')
  }
  await expect(badge).toHaveAttribute('data-connection', 'live', { timeout: 10_000 })
  await expect(page.locator('[data-log-stale]')).toHaveCount(0)
})

test('stub killed and restarted on the same port (new epoch): the snapshot replaces the board wholly', async ({
  page,
}) => {
  const first = await stub()
  await seedWorld(first.url, 'oldworld')
  await openLive(page, first.url)
  const before = await serverState(first.url)

  process.kill(first.pid, 'SIGKILL')
  await expect(page.locator('[data-connection="live"]')).toHaveCount(0, { timeout: 5000 })
  // A different world on the same port: the simulator seeds it before the server listens.
  const restartedAt = Date.now()
  const second = await stub({ SIM: '1', SIM_REPOS: '4', SIM_SEED: '3' }, first.port)
  const after = await serverState(second.url)
  expect(after.epoch).not.toBe(before.epoch)
  const backAfter = await msUntilLive(page, restartedAt, 15_000)
  await expectBoardEqualsServer(page, second.url)
  expect((await pageCards(page)).filter((card) => card.includes('oldworld'))).toEqual([])
  await expectNoFlicker(page)
  console.log(`kill + restart: live again ${backAfter} ms after the restart began (new epoch)`)
})

test('503 answers for a while, then health: the page keeps retrying with backoff and comes back', async ({ page }) => {
  const running = await stub()
  await seedWorld(running.url, 'outage')
  await openLive(page, running.url)

  const OUTAGE_MS = 5000
  await fault(running.url, 'unavailable', `ms=${OUTAGE_MS}`)
  const outageEnds = Date.now() + OUTAGE_MS
  await fault(running.url, 'recycle')
  // Every reopen meets a 503, which makes a native EventSource give up for good.
  await expect(page.locator('[data-connection="live"]')).toHaveCount(0, { timeout: 3000 })
  await expect(board(page)).toHaveAttribute('data-stale', 'true', { timeout: 4000 })
  await page.waitForTimeout(Math.max(0, outageEnds - Date.now()))
  const backAfter = await msUntilLive(page, outageEnds, 20_000)
  await ingest(running.url, { type: 'build', data: numberedBuild('outage', 77, 'running') })
  await expectBoardEqualsServer(page, running.url)
  await expectNoFlicker(page)
  const opens = (await readProbe(page)).opens
  expect(opens, 'reopened more than once during the outage').toBeGreaterThan(2)
  console.log(`503 for ${OUTAGE_MS} ms: live again ${backAfter} ms after the outage ended (${opens} opens)`)
})

test('browser offline, then online: the badge says offline at once and the page reconnects the moment it is back', async ({
  page,
}) => {
  const running = await stub()
  await seedWorld(running.url, 'network')
  await openLive(page, running.url)

  await page.context().setOffline(true)
  await expect(page.locator('[data-connection="offline"]')).toBeVisible({ timeout: 1000 })
  await expect(board(page)).toHaveAttribute('data-stale', 'true', { timeout: 4000 })
  await expect(page.locator('[data-stale-banner]')).toHaveText(/Offline: data from \d+ s ago, waiting for the network/)
  await ingest(running.url, { type: 'build', data: numberedBuild('network', 60, 'failed') })
  const opensWhileOffline = (await readProbe(page)).opens
  await page.waitForTimeout(1500)
  expect((await readProbe(page)).opens, 'no attempts while offline').toBe(opensWhileOffline)

  const onlineAt = Date.now()
  await page.context().setOffline(false)
  const backAfter = await msUntilLive(page, onlineAt, 5000)
  await expectBoardEqualsServer(page, running.url)
  await expectNoFlicker(page)
  console.log(`offline -> online: live again ${backAfter} ms after the network came back`)
})

test('stream cut mid-event: the half frame is never applied and the page resumes without a gap', async ({ page }) => {
  const running = await stub()
  await seedWorld(running.url, 'cut')
  await openLive(page, running.url)

  for (let round = 1; round <= 3; round++) {
    const cutAt = Date.now()
    await fault(running.url, 'cut')
    // Published while the page is away: it must arrive by replay, exactly once.
    await ingest(running.url, { type: 'build', data: numberedBuild('cut', 100 + round, 'failed') })
    await expect(page.locator('[data-connection="live"]'))
      .toHaveCount(0, { timeout: 2000 })
      .catch(() => {})
    const backAfter = await msUntilLive(page, cutAt, 10_000)
    await expectBoardEqualsServer(page, running.url)
    console.log(`cut mid-event #${round}: live again ${backAfter} ms after the cut`)
  }
  expect(await pageCards(page)).not.toContainEqual(expect.stringContaining('b-cut-mid-event'))
  const probe = await readProbe(page)
  expect(new Set(probe.ids).size, 'no state event delivered twice').toBe(probe.ids.length)
  await expectNoFlicker(page)
})

test('malformed frames and schema-invalid events are dropped, counted once per kind, and never break the board', async ({
  page,
}) => {
  const running = await stub()
  await seedWorld(running.url, 'garbage')
  const warnings: string[] = []
  page.on('console', (message) => {
    if (message.text().startsWith('radiator: dropped')) warnings.push(message.text())
  })
  await openLive(page, running.url, '/?debug')

  for (let i = 1; i <= 5; i++) {
    await fault(running.url, 'inject', 'malformed=4&invalid=4')
    await ingest(running.url, { type: 'build', data: numberedBuild('garbage', 200 + i, i % 2 ? 'failed' : 'passed') })
  }
  await expectBoardEqualsServer(page, running.url)
  await expect(page.locator('[data-connection="live"]')).toBeVisible()
  // 5 rounds of 4 malformed (2 not JSON, 1 unnamed, 1 unknown name the browser itself
  // drops, as nobody listens for it) and 4 schema-invalid.
  await expect(page.locator('[data-debug-dropped="bad_json"]')).toHaveText('bad_json: 10')
  await expect(page.locator('[data-debug-dropped="unknown_event"]')).toHaveText('unknown_event: 5')
  await expect(page.locator('[data-debug-dropped="invalid"]')).toHaveText('invalid: 20')
  await expect(page.locator('[data-debug-dropped-total]')).toHaveText('35')
  const { headId } = await serverState(running.url)
  await expect(page.locator('[data-debug-last-id]')).toHaveText(headId)
  await expect(page.locator('[data-debug-history]')).toContainText('live')
  expect(warnings.map((w) => w.match(/\((\w+)\)/)?.[1]).sort()).toEqual(['bad_json', 'invalid', 'unknown_event'])
  await expectNoFlicker(page)
})

test('recycling every few seconds for a minute while events flow: every event exactly once, never empty', async ({
  page,
}) => {
  test.setTimeout(150_000)
  const running = await stub({ RECYCLE_MS: '3000' })
  await seedWorld(running.url, 'recycle', 5)
  await openLive(page, running.url)
  const firstLiveSeq = (await serverState(running.url)).head

  const until = Date.now() + 60_000
  let n = 0
  let notLiveSamples = 0
  while (Date.now() < until) {
    n++
    await ingest(running.url, { type: 'build', data: numberedBuild('flow', n, n % 7 === 0 ? 'failed' : 'passed') })
    if ((await page.locator('[data-connection="live"]').count()) === 0) notLiveSamples++
    await page.waitForTimeout(150)
  }
  const { head, epoch } = await serverState(running.url)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 5000 })
  await expectBoardEqualsServer(page, running.url)
  const cards = await pageCards(page)
  expect(cards.filter((c) => c.startsWith('build:b-flow-'))).toHaveLength(n)

  const probe = await readProbe(page)
  const expectedIds = Array.from({ length: head - firstLiveSeq }, (_, i) => `${epoch}-${firstLiveSeq + i + 1}`)
  expect(probe.ids, 'every state event delivered exactly once, in order').toEqual(expectedIds)
  expect(probe.opens, 'recycled many times').toBeGreaterThanOrEqual(15)
  expect(notLiveSamples, 'a planned recycle never shows as a lost connection').toBe(0)
  await expect(board(page)).toHaveAttribute('data-stale', 'false')
  await expectNoFlicker(page)
  console.log(
    `recycling: ${n} events over ${probe.opens} connections, ${probe.frames} frames sampled, min ${probe.minCards} cards`,
  )
})

test('instant start: a reload shows the saved board at once, marked stale, until the stream confirms it', async ({
  page,
}) => {
  const running = await stub()
  await seedWorld(running.url, 'instant')
  await openLive(page, running.url)
  const { headId } = await serverState(running.url)
  // Saved at most every 5 s (and on pagehide); wait for a save that holds the head.
  await expect
    .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('radiator.board.v1') ?? '{}').lastEventId), {
      timeout: 10_000,
    })
    .toBe(headId)
  const shownBefore = await pageCards(page)

  // The stream answers 503 for a while: only the saved board can fill the page.
  await fault(running.url, 'unavailable', 'ms=4000')
  const outageEnds = Date.now() + 4000
  await page.reload({ waitUntil: 'domcontentloaded' })
  await expect.poll(() => pageCards(page), { timeout: 2000 }).toEqual(shownBefore)
  await expect(board(page)).toHaveAttribute('data-stale', 'true')
  await expect(page.locator('[data-connection="live"]')).toHaveCount(0)
  await expect(page.locator('[data-stale-banner]')).toContainText('Showing the board saved')

  const backAfter = await msUntilLive(page, outageEnds, 20_000)
  await expect(board(page)).toHaveAttribute('data-stale', 'false')
  await ingest(running.url, { type: 'build', data: numberedBuild('instant', 50) })
  await expectBoardEqualsServer(page, running.url)
  await expectNoFlicker(page)
  console.log(`instant start: saved board shown at once, live ${backAfter} ms after the 503s ended`)

  // Corrupt storage is ignored: the page starts empty and fills from the stream.
  await page.evaluate(() => localStorage.setItem('radiator.board.v1', '{"v":1,"builds":[{"id":42}]'))
  await page.reload()
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  await expectBoardEqualsServer(page, running.url)
})

test('self-update: a hello with a new serverVersion reloads the kiosk page into the new release', async ({ page }) => {
  const staticDir = mkdtempSync(join(tmpdir(), 'radiator-release-'))
  try {
    cpSync('dist', staticDir, { recursive: true })
    const running = await stub({ STATIC_DIR: staticDir })
    await seedWorld(running.url, 'release')
    await openLive(page, running.url, '/?kiosk')
    await page.evaluate(() => ((window as unknown as { __oldRelease: boolean }).__oldRelease = true))
    const oldVersion = ((await (await fetch(`${running.url}/api/health`)).json()) as { version: string }).version

    // A new release of the page: index.html changes, and with it the stub's serverVersion.
    await page.waitForTimeout(50)
    appendFileSync(join(staticDir, 'index.html'), '\n<!-- release 2 -->\n')
    const newVersion = ((await (await fetch(`${running.url}/api/health`)).json()) as { version: string }).version
    expect(newVersion).not.toBe(oldVersion)
    const reload = page.waitForEvent('load', { timeout: 10_000 })
    await fault(running.url, 'recycle')
    await reload
    await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
    expect(await page.evaluate(() => (window as unknown as { __oldRelease?: boolean }).__oldRelease)).toBeUndefined()
    await expectKioskCountsEqualServer(page, running.url)
  } finally {
    rmSync(staticDir, { recursive: true, force: true })
  }
})
