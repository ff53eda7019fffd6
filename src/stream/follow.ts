import type { LogChunk } from '../protocol'

/** How follow requests reach the server (fetch in the page, a fake in tests). */
export interface FollowTransport {
  follow(connectionId: string, buildId: string, fromOffset: number): Promise<boolean>
  unfollow(connectionId: string, buildId: string): Promise<boolean>
}

export type LogHandler = (chunk: LogChunk) => void

export interface Follows {
  /** Follows from `fromOffset`; sent now when connected, else at the next hello. True on 2xx. */
  follow(buildId: string, fromOffset?: number): Promise<boolean>
  unfollow(buildId: string): Promise<boolean>
  /** A new connection said hello: every followed build is followed again from its next missing offset. */
  connected(connectionId: string): Promise<void>
  disconnected(): void
  /** Advances the resume offset of a followed build, and passes the chunk on to every subscriber. */
  received(chunk: LogChunk): void
  /** Subscribes to the stream's log chunks; returns the unsubscribe function. */
  onLog(handler: LogHandler): () => void
  /** The first offset not yet received without a gap, for a followed build. */
  nextOffset(buildId: string): number | undefined
  followed(): string[]
}

/**
 * The server forgets follows with the connection, so they live here: every new hello
 * re-follows each build from the first line not yet received (a gap stops the advance,
 * so the missing lines are asked for again; the log buffer drops what it already holds).
 */
export function createFollows(transport: FollowTransport): Follows {
  const next = new Map<string, number>()
  const handlers = new Set<LogHandler>()
  let connectionId: string | null = null

  return {
    follow(buildId, fromOffset = 0) {
      next.set(buildId, Math.max(0, fromOffset))
      if (connectionId === null) return Promise.resolve(false)
      return transport.follow(connectionId, buildId, Math.max(0, fromOffset))
    },
    unfollow(buildId) {
      const had = next.delete(buildId)
      if (!had || connectionId === null) return Promise.resolve(false)
      return transport.unfollow(connectionId, buildId)
    },
    async connected(id) {
      if (id === connectionId) return
      connectionId = id
      await Promise.all([...next].map(([buildId, offset]) => transport.follow(id, buildId, offset)))
    },
    disconnected() {
      connectionId = null
    },
    received(chunk) {
      const offset = next.get(chunk.buildId)
      // A chunk ahead of what we asked for means the server no longer keeps the lines in
      // between (it starts a backlog from the oldest line kept): they will never come, so
      // resume after this chunk instead of asking for the whole log again on every reconnect.
      if (offset !== undefined) next.set(chunk.buildId, Math.max(offset, chunk.offset + chunk.lines.length))
      for (const handler of handlers) handler(chunk)
    },
    onLog(handler) {
      handlers.add(handler)
      return () => void handlers.delete(handler)
    },
    nextOffset: (buildId) => next.get(buildId),
    followed: () => [...next.keys()],
  }
}

/** Follow requests as the page sends them: JSON to the follow endpoint, false on any failure. */
export function createFetchTransport(url: string, fetchImpl?: typeof fetch): FollowTransport {
  const send = async (method: 'POST' | 'DELETE', body: object) => {
    const doFetch = fetchImpl ?? globalThis.fetch
    try {
      const response = await doFetch(url, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      return response.ok
    } catch {
      return false
    }
  }
  return {
    follow: (connectionId, buildId, fromOffset) => send('POST', { connectionId, buildId, fromOffset }),
    unfollow: (connectionId, buildId) => send('DELETE', { connectionId, buildId }),
  }
}
