import { request, type IncomingHttpHeaders } from 'node:http'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { createStubServer, type StubOptions, type StubServer } from '../../mocks/server/app'
import { DEFAULT_SETTINGS, type Settings } from '../../mocks/server/settings'
import type { Build, Deployment, PullRequest } from '../../src/protocol'

// Test utilities: an in-process stub on port 0 and a raw SSE reader that keeps the bytes.

export interface RunningStub {
  stub: StubServer
  url: string
  port: number
  close(): Promise<void>
}

export async function startStub(overrides: Partial<Settings> = {}, options: StubOptions = {}): Promise<RunningStub> {
  const settings: Settings = { ...DEFAULT_SETTINGS, port: 0, host: '127.0.0.1', sim: false, ...overrides }
  const stub = createStubServer(settings, options)
  const { port, url } = await stub.listen()
  return { stub, url, port, close: () => stub.close() }
}

export interface RawStream {
  status: number
  headers: IncomingHttpHeaders
  /** Every byte received so far, decoded as UTF-8. */
  text(): string
  events: EventSourceMessage[]
  retries: number[]
  ended: boolean
  /** Resolves with the first event (from index `from`) matching, or rejects after `timeoutMs`. */
  waitFor(predicate: (e: EventSourceMessage) => boolean, timeoutMs?: number, from?: number): Promise<EventSourceMessage>
  waitForCount(count: number, timeoutMs?: number): Promise<void>
  waitForEnd(timeoutMs?: number): Promise<void>
  close(): void
}

export function openRaw(url: string, headers: Record<string, string> = {}): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const events: EventSourceMessage[] = []
    const retries: number[] = []
    const waiters = new Set<() => void>()
    const notify = () => {
      for (const w of [...waiters]) w()
    }
    const parser = createParser({
      onEvent: (e) => {
        events.push(e)
        notify()
      },
      onRetry: (ms) => retries.push(ms),
    })
    const decoder = new TextDecoder()
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const stream: RawStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => Buffer.concat(chunks).toString('utf8'),
        events,
        retries,
        ended: false,
        waitFor(predicate, timeoutMs = 3000, from = 0) {
          return new Promise((ok, fail) => {
            let next = from
            const check = () => {
              for (let i = next; i < events.length; i++, next++) {
                if (predicate(events[i]!)) {
                  cleanup()
                  ok(events[i]!)
                  return true
                }
              }
              if (stream.ended) {
                cleanup()
                fail(new Error(`stream ended before the awaited event (${events.length} events)`))
                return true
              }
              return false
            }
            const timer = setTimeout(() => {
              cleanup()
              fail(new Error(`timed out waiting for an event (${events.length} events so far)`))
            }, timeoutMs)
            const cleanup = () => {
              clearTimeout(timer)
              waiters.delete(check)
            }
            if (!check()) waiters.add(check)
          })
        },
        async waitForCount(count, timeoutMs = 3000) {
          await stream.waitFor(() => events.length >= count, timeoutMs)
        },
        waitForEnd(timeoutMs = 3000) {
          return new Promise((ok, fail) => {
            if (stream.ended) return ok()
            const timer = setTimeout(() => fail(new Error('stream did not end')), timeoutMs)
            res.once('close', () => {
              clearTimeout(timer)
              ok()
            })
          })
        },
        close: () => req.destroy(),
      }
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        parser.feed(decoder.decode(chunk, { stream: true }))
      })
      res.on('close', () => {
        stream.ended = true
        notify()
      })
      resolve(stream)
    })
    req.on('error', (error) => {
      if (!('code' in error && error.code === 'ECONNRESET')) reject(error)
    })
    req.end()
  })
}

export function json<T = unknown>(e: EventSourceMessage): T {
  return JSON.parse(e.data) as T
}

export const stateEvents = (events: EventSourceMessage[]) =>
  events.filter((e) => e.event === 'build' || e.event === 'pull_request' || e.event === 'deployment')

export const seqOf = (id: string | undefined) => Number(id?.split('-')[1])

const ISO = '2026-01-01T10:00:00.000Z'

export function makeBuild(n: number, overrides: Partial<Build> = {}): Build {
  return {
    id: `b-${n}`,
    repo: `repo-${n % 5}`,
    branch: 'main',
    number: n,
    status: 'running',
    commit: { sha: `sha${n}`, message: `commit ${n}`, author: 'ada' },
    startedAt: ISO,
    finishedAt: null,
    updatedAt: new Date().toISOString(),
    expectedDurationMs: 60_000,
    url: null,
    ...overrides,
  }
}

export function makePullRequest(n: number, overrides: Partial<PullRequest> = {}): PullRequest {
  return {
    id: `pr-${n}`,
    repo: 'repo-1',
    number: n,
    title: `PR ${n}`,
    author: 'ada',
    state: 'open',
    draft: false,
    reviewers: [],
    checks: 'pending',
    mergeable: null,
    blocks: [],
    createdAt: ISO,
    updatedAt: ISO,
    url: null,
    ...overrides,
  }
}

export function makeDeployment(n: number, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: `d-${n}`,
    service: `svc-${n}`,
    environment: 'staging',
    version: `1.0.${n}`,
    previousVersion: null,
    status: 'in_progress',
    rolloutPercent: 50,
    deployedBy: 'ada',
    startedAt: ISO,
    finishedAt: null,
    updatedAt: ISO,
    url: null,
    ...overrides,
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
