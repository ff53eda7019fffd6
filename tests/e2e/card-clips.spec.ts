import { test, expect, type Page } from '@playwright/test'
import { ingest, startStub, type RunningStub } from './support/stub'
import { build, deployment, pullRequest } from './support/entities'

// Chromium keeps a clip for every box that cuts its content, and lays out all the page's layers
// again when one of them moves or resizes: under a burst that was most of a frame
// (docs/performance.md). A card's clipped boxes must therefore stay put when what changes most
// often changes: a status, a build's times, a rollout percent, a check, an approval. (The ages at
// the end of a line change width only when they gain a digit or a unit, so they are kept clear of
// such a step here.)

let stub: RunningStub

test.beforeAll(async () => {
  stub = await startStub({ SIM: '0' })
})
test.afterAll(async () => stub?.stop())

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString()

/** The same build, as its status and times change. */
const buildOf = (status: string, times: Record<string, string | null>) =>
  build({
    id: 'b1',
    repo: 'payments-service',
    branch: 'feature/retry-budget',
    number: 41,
    status,
    startedAt: iso(30_000),
    ...times,
  })

/** Every box in the card that cuts its content, as `tag: x,y,w,h` in document order. */
function clippedBoxes(page: Page, kind: string): Promise<string[]> {
  return page.locator(`[data-kind="${kind}"]`).evaluate((card) => {
    const boxes: string[] = []
    for (const el of [card, ...card.querySelectorAll('*')]) {
      const style = getComputedStyle(el)
      if (style.overflowX === 'visible' && style.clipPath === 'none') continue
      const r = el.getBoundingClientRect()
      boxes.push(`${el.tagName.toLowerCase()}: ${[r.x, r.y, r.width, r.height].map(Math.round)}`)
    }
    return boxes
  })
}

test("a card's clipped boxes stay put when its status, times and counts change", async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 })
  const reviewer = (login: string, state: string) => ({ login, state })
  await ingest(stub.url, [
    buildOf('running', { finishedAt: null, updatedAt: iso(1_000) }),
    pullRequest({
      id: 'p1',
      repo: 'payments-service',
      checks: 'pending',
      requiredApprovals: 3,
      reviewers: [reviewer('bo', 'approved'), reviewer('cy', 'pending')],
      createdAt: iso(9_000_000),
      updatedAt: iso(1_000),
    }),
    deployment({
      id: 'd1',
      status: 'in_progress',
      rolloutPercent: 42,
      finishedAt: null,
      updatedAt: iso(1_000),
    }),
  ])
  await page.goto(`${stub.url}/`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  const before = await Promise.all(['build', 'pull-request', 'deployment'].map((kind) => clippedBoxes(page, kind)))
  expect(before.every((boxes) => boxes.length > 1)).toBe(true)
  const texts = await page.locator('[data-kind]').allInnerTexts()

  await ingest(stub.url, [
    buildOf('passed', { finishedAt: iso(0), updatedAt: iso(0) }),
    pullRequest({
      id: 'p1',
      repo: 'payments-service',
      checks: 'passing',
      requiredApprovals: 3,
      reviewers: [reviewer('bo', 'approved'), reviewer('cy', 'approved')],
      createdAt: iso(9_000_000),
      updatedAt: iso(0),
    }),
    deployment({ id: 'd1', status: 'in_progress', rolloutPercent: 43, finishedAt: null, updatedAt: iso(0) }),
  ])
  await expect(page.locator('[data-kind="build"]')).toHaveAttribute('data-status', 'passed')
  await expect(page.locator('[data-kind="pull-request"] .approvals')).toHaveText('2/3 approvals')
  await expect(page.locator('[data-kind="deployment"]')).toHaveAttribute('data-rollout', '43')

  expect(await page.locator('[data-kind]').allInnerTexts()).not.toEqual(texts)
  const after = await Promise.all(['build', 'pull-request', 'deployment'].map((kind) => clippedBoxes(page, kind)))
  expect(after).toEqual(before)
})

test('a long name is cut on its own: the number and the version gone back to stay in view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  const long = 'an-extremely-long-repository-name-that-no-card-could-ever-hold-whole'
  await ingest(stub.url, [
    pullRequest({ id: 'p-long', repo: long, number: 4242, updatedAt: iso(0) }),
    deployment({
      id: 'd-long',
      service: 'ledger',
      status: 'rolled_back',
      version: '2026.11.28-a-very-long-build-version-string',
      previousVersion: 'v9.9.9',
      updatedAt: iso(0),
    }),
  ])
  await page.goto(`${stub.url}/`)
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout: 15_000 })
  /** How far the element's right edge is inside its card's (negative: cut off). */
  const inside = (card: string, part: string) =>
    page.locator(card).evaluate((el, selector) => {
      const target = el.querySelector(selector)!
      return el.getBoundingClientRect().right - target.getBoundingClientRect().right
    }, part)
  expect(await inside('[data-id="p-long"]', '.number')).toBeGreaterThan(0)
  expect(await inside('[data-id="d-long"]', '.meta .state')).toBeGreaterThan(0)
  await expect(page.locator('[data-id="p-long"] .number')).toHaveText('#4242')
  await expect(page.locator('[data-id="d-long"] .meta .state')).toHaveText('→ v9.9.9')
})
