import { test, expect } from '@playwright/test'
import { boardSignature } from './support/board'
import { startDevServer, type RunningDevServer } from './support/devMock'

// `npm run dev:mock` alone: Vite plus MSW's service worker, no stub process anywhere.

let server: RunningDevServer

test.beforeAll(async () => {
  server = await startDevServer('dev:mock')
})
test.afterAll(async () => server?.stop())

test('dev:mock shows the live board with no stub running', async ({ page }) => {
  await page.goto(`${server.url}/?speed=10`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 20_000 })
  for (const column of ['builds', 'pull-requests', 'deployments']) {
    await expect(page.locator(`[data-column="${column}"]`)).toHaveAttribute('data-count', /^[1-9]\d*$/)
  }
  // The answer comes from the in-page session: Vite has no /api and no proxy in this mode.
  const health = await page.evaluate(() => fetch('/api/health').then((r) => r.json()))
  expect(health).toMatchObject({ status: 'ok', mock: true, scenario: 'normal' })
  const direct = await fetch(`${server.url}/api/health`)
  expect(direct.headers.get('content-type') ?? '').not.toContain('json')

  const before = await boardSignature(page)
  await expect.poll(() => boardSignature(page), { timeout: 20_000 }).not.toBe(before)
})

test('the stream is served with the protocol: hello, snapshot, resume after a drop', async ({ page }) => {
  const streams: string[] = []
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/api/stream') streams.push(req.url())
  })
  await page.goto(`${server.url}/?speed=10`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 20_000 })
  const opened = await page.evaluate(() => {
    const mock = (globalThis as unknown as { __radiatorMock: { session: { connectionCount(): number } } })
      .__radiatorMock
    return mock.session.connectionCount()
  })
  expect(opened).toBe(1)

  // A raw read through the worker: retry first, then hello, then the snapshot with the head id.
  const raw = await page.evaluate(async () => {
    const controller = new AbortController()
    const response = await fetch('/api/stream', { headers: { Accept: 'text/event-stream' }, signal: controller.signal })
    const reader = response.body!.getReader()
    let text = ''
    while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    return { status: response.status, type: response.headers.get('content-type'), text: text.slice(0, 400) }
  })
  expect(raw.status).toBe(200)
  expect(raw.type).toContain('text/event-stream')
  expect(raw.text).toMatch(
    /^retry: \d+\n\nevent: hello\ndata: \{"connectionId":"[^"]+","serverVersion":"mock","heartbeatMs":15000,"replayed":false\}\n\nid: [a-z0-9]+-\d+\nevent: snapshot\n/,
  )

  // Server-side drop: the page reconnects and resumes, and the session keeps only the new stream.
  const count = streams.length
  await page.evaluate(() => fetch('/api/dev/drop-connection', { method: 'POST' }))
  await expect.poll(() => streams.length, { timeout: 15_000 }).toBeGreaterThan(count)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  // The browser's own reconnect carries Last-Event-ID through the worker: a replay, not a snapshot.
  const reopened = await page.evaluate(() => {
    const mock = (
      globalThis as unknown as {
        __radiatorMock: { session: { recentOpens: { lastEventId: string | null; replayed: boolean }[] } }
      }
    ).__radiatorMock
    return mock.session.recentOpens.at(-1)
  })
  expect(reopened).toMatchObject({ lastEventId: expect.stringMatching(/^[a-z0-9]+-\d+$/), replayed: true })
  await expect
    .poll(() =>
      page.evaluate(() =>
        (
          globalThis as unknown as { __radiatorMock: { session: { connectionCount(): number } } }
        ).__radiatorMock.session.connectionCount(),
      ),
    )
    .toBe(1)
})

test('recycled connections hand over without emptying the board', async ({ page }) => {
  const streams: string[] = []
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/api/stream') streams.push(req.url())
  })
  await page.goto(`${server.url}/?recycleMs=1500`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 20_000 })
  await expect.poll(() => streams.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3)
  // Each reopen resumes from the page's last id (same epoch): no fresh snapshot is needed.
  expect(streams.slice(1).every((url) => /[?&]lastEventId=[a-z0-9]+-\d+/.test(url))).toBe(true)
  await expect(page.locator('[data-column="builds"]')).toHaveAttribute('data-count', /^[1-9]\d*$/)
  await expect(page.locator('[data-connection="live"]')).toBeVisible()
})
