import { expect, type Page } from '@playwright/test'
import { deploymentGrid, pipelineRows, pullRequestRows, shownPullRequests } from '../../../src/domain/columns'
import type { Build, Deployment, PullRequest } from '../../../src/protocol'
import { ingest } from './stub'

// Helpers for the fault and proxy drills: entities to push, the server's state through the
// stub's fault endpoint (FAULTS=1), and in-page probes (card blinks, stream ids).

export interface ServerState {
  epoch: string
  head: number
  headId: string
  connections: number
  state: { builds: Build[]; pullRequests: PullRequest[]; deployments: Deployment[] }
}

export async function serverState(url: string): Promise<ServerState> {
  const res = await fetch(`${url}/api/faults/state`)
  if (!res.ok) throw new Error(`faults/state answered ${res.status} (is FAULTS=1 set?)`)
  return (await res.json()) as ServerState
}

export async function fault(url: string, action: string, query = ''): Promise<unknown> {
  const res = await fetch(`${url}/api/faults/${action}${query ? `?${query}` : ''}`, { method: 'POST' })
  if (!res.ok) throw new Error(`faults/${action} answered ${res.status}: ${await res.text()}`)
  return res.json()
}

const iso = (ms: number) => new Date(ms).toISOString()

/** A build on a pipeline of its own (repo `<tag>-<n>`), so every build is one card. */
export function numberedBuild(tag: string, n: number, status: Build['status'] = 'passed', at = Date.now()): Build {
  return {
    id: `b-${tag}-${n}`,
    repo: `${tag}-${n}`,
    branch: 'main',
    number: n,
    status,
    commit: { sha: `sha${n}`, message: `change ${n}`, author: 'drill' },
    startedAt: iso(at - 60_000),
    finishedAt: status === 'running' || status === 'queued' ? null : iso(at),
    updatedAt: iso(at),
    expectedDurationMs: 120_000,
    url: null,
  }
}

export function openPr(tag: string, n: number, at = Date.now()): PullRequest {
  return {
    id: `pr-${tag}-${n}`,
    repo: `${tag}-${n}`,
    number: n,
    title: `drill ${tag} ${n}`,
    author: 'drill',
    state: 'open',
    draft: false,
    reviewers: [],
    requiredApprovals: 2,
    checks: 'pending',
    mergeable: null,
    blocks: [],
    createdAt: iso(at - 60_000),
    updatedAt: iso(at),
    url: null,
  }
}

export function deployment(tag: string, n: number, at = Date.now()): Deployment {
  return {
    id: `d-${tag}-${n}`,
    service: `${tag}-svc-${n}`,
    environment: 'staging',
    version: `1.0.${n}`,
    previousVersion: null,
    status: 'succeeded',
    rolloutPercent: 100,
    deployedBy: 'drill',
    startedAt: iso(at - 60_000),
    finishedAt: iso(at),
    updatedAt: iso(at),
    url: null,
  }
}

/** A small world: `builds` builds, 3 open PRs and 3 deployments, all tagged. */
export async function seedWorld(url: string, tag: string, builds = 12): Promise<void> {
  const events: unknown[] = []
  for (let i = 1; i <= builds; i++) {
    events.push({ type: 'build', data: numberedBuild(tag, i, i % 4 === 0 ? 'failed' : 'passed') })
  }
  for (let i = 1; i <= 3; i++) events.push({ type: 'pull_request', data: openPr(tag, i) })
  for (let i = 1; i <= 3; i++) events.push({ type: 'deployment', data: deployment(tag, i) })
  await ingest(url, events)
}

/** What the board must show for the server's state, by the page's own column rules: `kind:id:status`. */
export function expectedCards(state: ServerState['state'], now = Date.now()): string[] {
  const cards: string[] = []
  for (const row of pipelineRows(state.builds)) cards.push(`build:${row.build.id}:${row.build.status}`)
  const prs = new Map(state.pullRequests.map((p) => [p.id, p]))
  for (const row of shownPullRequests(pullRequestRows(prs), now)) {
    cards.push(`pull-request:${row.pr.id}:${row.pr.state}`)
  }
  for (const row of deploymentGrid(state.deployments).rows) {
    for (const d of row.cells) if (d) cards.push(`deployment:${d.id}:${d.status}`)
  }
  return cards.sort()
}

/**
 * The cards on the page as `kind:id:status`, sorted (a card rendered twice is listed twice, so a
 * test can see it). The scrolling view renders only the cards near the viewport, so this scrolls
 * the page a screen at a time, top to bottom, and collects what each screen renders; the probes
 * (`installProbes`) pause meanwhile, and the page goes back to where it was.
 */
export function pageCards(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const probe = (window as unknown as { __probe?: { paused: boolean } }).__probe
    if (probe) probe.paused = true
    const settle = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
    const start = window.scrollY
    const status = new Map<string, string>()
    const twice: string[] = []
    for (let y = 0; ; y += window.innerHeight) {
      window.scrollTo(0, y)
      await settle()
      const onScreen = new Set<string>()
      for (const card of document.querySelectorAll('[data-kind][data-id]')) {
        const key = `${card.getAttribute('data-kind')}:${card.getAttribute('data-id')}`
        const line = `${key}:${card.getAttribute('data-status')}`
        if (onScreen.has(key)) twice.push(line)
        onScreen.add(key)
        status.set(key, line)
      }
      if (y + window.innerHeight >= document.documentElement.scrollHeight) break
    }
    window.scrollTo(0, start)
    await settle()
    if (probe) probe.paused = false
    return [...status.values(), ...twice].sort()
  })
}

/** The page holds no card of this kind and id anywhere, rendered or scrolled out of view. */
export async function expectNotOnBoard(page: Page, kind: string, id: string): Promise<void> {
  expect((await pageCards(page)).filter((card) => card.startsWith(`${kind}:${id}:`))).toEqual([])
}

/** Waits until the page shows exactly what the server holds, with no card twice. */
export async function expectBoardEqualsServer(page: Page, url: string, timeout = 10_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const { state } = await serverState(url)
        const shown = await pageCards(page)
        const expected = expectedCards(state)
        return shown.length === expected.length && shown.every((card, i) => card === expected[i])
      },
      { timeout, message: 'board equals the server state' },
    )
    .toBe(true)
  const { state } = await serverState(url)
  const shown = await pageCards(page)
  expect(shown).toEqual(expectedCards(state))
  expect(new Set(shown).size, 'no card twice').toBe(shown.length)
}

/** Milliseconds from `since` until the badge reads live, or throws after `timeout`. */
export async function msUntilLive(page: Page, since: number, timeout = 20_000): Promise<number> {
  await expect(page.locator('[data-connection="live"]')).toBeVisible({ timeout })
  return Date.now() - since
}

export interface Probe {
  /** The fewest cards seen in one animation frame, once the first card showed. */
  minCards: number
  frames: number
  /** Card ids that vanished and came back in a later frame. */
  blinks: string[]
  /** The id of every state event any EventSource of the page delivered, in order. */
  ids: string[]
  opens: number
  /** `replayed` of each hello, in order. */
  hellos: boolean[]
}

/** Installs the probes (see `Probe`) before the page's own scripts run. */
export async function installProbes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const probe = {
      /** Set while `pageCards` scrolls the page: cards leave and come back by design then. */
      paused: false,
      minCards: Number.POSITIVE_INFINITY,
      frames: 0,
      blinks: [] as string[],
      ids: [] as string[],
      opens: 0,
      hellos: [] as boolean[],
    }
    ;(window as unknown as { __probe: typeof probe }).__probe = probe
    let previous = new Set<string>()
    const gone = new Set<string>()
    const sample = () => {
      if (probe.paused) {
        requestAnimationFrame(sample)
        return
      }
      const current = new Set<string>()
      for (const card of document.querySelectorAll('[data-kind][data-id]')) {
        current.add(card.getAttribute('data-id') ?? '')
      }
      if (current.size > 0 || probe.minCards !== Number.POSITIVE_INFINITY) {
        probe.minCards = Math.min(probe.minCards, current.size)
        probe.frames++
      }
      for (const id of previous) if (!current.has(id)) gone.add(id)
      for (const id of current) {
        if (gone.has(id)) {
          probe.blinks.push(id)
          gone.delete(id)
        }
      }
      previous = current
      requestAnimationFrame(sample)
    }
    requestAnimationFrame(sample)
    const Native = window.EventSource
    class Recording extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init)
        probe.opens++
        this.addEventListener('hello', (e) => {
          try {
            probe.hellos.push(Boolean(JSON.parse((e as MessageEvent).data as string).replayed))
          } catch {
            probe.hellos.push(false)
          }
        })
        for (const type of ['build', 'pull_request', 'deployment']) {
          this.addEventListener(type, (e) => probe.ids.push((e as MessageEvent).lastEventId))
        }
      }
    }
    window.EventSource = Recording
  })
}

export function readProbe(page: Page): Promise<Probe> {
  return page.evaluate(() => (window as unknown as { __probe: Probe }).__probe)
}
