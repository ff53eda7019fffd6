import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Simulator } from '../scenario/types'
import { controlSimulator } from '../scenario/controls'
import { createStubDevHost, DEV_PATH, handleControl, type DevHost } from './control'
import { handleFaults } from './faults'
import { handleFollow, handleUnfollow } from './follow'
import { sendError, sendJson } from './http'
import { EventHub, type HubOptions } from './hub'
import { handleIngest, tokenMatches } from './ingest'
import type { Settings } from './settings'
import { startSimDriver, type SimDriver } from './simDriver'
import { ConnectionRegistry, handleStream, type StreamContext } from './sse'
import { serveStatic } from './static'
import { TimerCounter } from './timers'

// Wiring of the stub: routes, CORS, the simulator driver, fault switches. What is pushed
// lives in hub.ts; how one stream connection behaves lives in sse.ts.

export interface StubOptions {
  simulator?: Simulator
  now?: () => number
  /** Extra hub options (tests: a counting encoder, a fixed epoch). */
  hub?: Partial<HubOptions>
  /** How often the simulator is advanced. */
  simTickMs?: number
}

export interface StubServer {
  server: Server
  hub: EventHub
  registry: ConnectionRegistry
  /** Timers held by open connections (0 once every connection closed). */
  timers: TimerCounter
  listen(): Promise<{ port: number; url: string }>
  /** Ends every stream with `event: reconnect` (reason shutdown), then closes the server. */
  close(): Promise<void>
  /** Fault switch: answer the stream and API with 503 for `ms` (0 ends it). Health keeps answering. */
  setUnavailable(ms: number): void
  /** Fault switch: end every open stream now with a reconnect event. */
  dropAllStreams(reason?: string): void
}

const PACKAGE_VERSION = readPackageVersion()

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
      version?: string
    }
    return pkg.version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** The package version plus a hash of the built page, so a new release of the page changes it. */
function versionReader(staticDir: string): () => string {
  let cachedMtime = -1
  let cached = PACKAGE_VERSION
  return () => {
    const file = resolve(staticDir, 'index.html')
    let mtime: number
    try {
      mtime = statSync(file).mtimeMs
    } catch {
      // index.html is missing while a build empties dist/: keep the version already known,
      // or a kiosk would reload into a page that is not there yet.
      return cached
    }
    if (mtime !== cachedMtime) {
      cachedMtime = mtime
      const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 8)
      cached = `${PACKAGE_VERSION}+${hash}`
    }
    return cached
  }
}

function applyCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin
  if (origins.length === 0 || !origin) return false
  if (!origins.includes('*') && !origins.includes(origin)) return false
  res.setHeader('Access-Control-Allow-Origin', origin)
  res.setHeader('Vary', 'Origin')
  return true
}

export function createStubServer(settings: Settings, options: StubOptions = {}): StubServer {
  const now = options.now ?? Date.now
  const startedAt = now()
  const newHub = () =>
    new EventHub({
      replayWindowMs: settings.replayWindowMs,
      replayMaxEvents: settings.replayMaxEvents,
      now,
      ...options.hub,
    })
  let hub = newHub()
  const registry = new ConnectionRegistry()
  const timers = new TimerCounter()
  const serverVersion = versionReader(settings.staticDir)
  const ctx: StreamContext = { hub, settings, registry, timers, serverVersion, now }
  let unavailableUntil = 0
  let driver: SimDriver | null = null
  /** The dev panel's controls: only while the simulator runs (never with SIM=0). */
  let devHost: DevHost | null = null
  let pruneTimer: NodeJS.Timeout | null = null

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub.invalid')
    const path = url.pathname
    const corsAllowed = applyCors(req, res, settings.corsOrigins)
    if (req.method === 'OPTIONS' && path.startsWith('/api/')) {
      if (!corsAllowed) return sendError(res, 403, 'Origin: not allowed (set CORS_ORIGINS)')
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, Authorization, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      })
      return void res.end()
    }
    if (path === '/api/health' && req.method === 'GET') {
      return sendJson(res, 200, {
        status: 'ok',
        epoch: hub.epoch,
        head: hub.headId,
        connections: registry.size,
        uptimeS: Math.round((now() - startedAt) / 1000),
        version: serverVersion(),
      })
    }
    // The fault endpoint sits before the 503 switch, so a drill can also switch it off.
    if (settings.faults && path.startsWith('/api/faults/')) {
      return handleFaults(req, res, url, { hub, registry, setUnavailable: (ms) => stub.setUnavailable(ms) })
    }
    if (path.startsWith('/api/') && now() < unavailableUntil) {
      const retryAfter = String(Math.max(1, Math.ceil((unavailableUntil - now()) / 1000)))
      return sendError(res, 503, 'service unavailable (fault switch)', { 'Retry-After': retryAfter })
    }
    if (path === '/api/stream') {
      if (req.method !== 'GET') return sendError(res, 405, `method ${req.method} not allowed`, { Allow: 'GET' })
      return void handleStream(req, res, url, ctx)
    }
    if (path.startsWith(DEV_PATH)) {
      const token = settings.ingestToken
      return handleControl(req, res, path, devHost, (header) => token === null || tokenMatches(header, token))
    }
    if (path === '/api/follow') {
      if (req.method === 'POST') return handleFollow(req, res, hub, registry)
      if (req.method === 'DELETE') return handleUnfollow(req, res, url, registry)
      return sendError(res, 405, `method ${req.method} not allowed`, { Allow: 'POST, DELETE' })
    }
    if (path === '/api/events') {
      if (req.method !== 'POST') return sendError(res, 405, `method ${req.method} not allowed`, { Allow: 'POST' })
      return handleIngest(req, res, hub, settings.ingestToken)
    }
    if (path.startsWith('/api/') || path === '/api') return sendError(res, 404, `no API endpoint ${path}`)
    return serveStatic(req, res, url, settings.staticDir)
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error('stub: request failed', error)
      if (!res.headersSent) sendError(res, 500, 'internal error')
      else res.destroy()
    })
  })
  // Streams are long-lived; Node's default request timeout would cut them after 5 minutes.
  server.requestTimeout = 0
  server.headersTimeout = 30_000

  function startSimulation(simulator: Simulator): void {
    let controlled
    try {
      controlled = controlSimulator(simulator)
    } catch {
      // Not made by createSimulator (a test's fake): it runs, without dev controls.
      driver = startSimDriver(hub, simulator, now, options.simTickMs ?? 100)
      return
    }
    driver = startSimDriver(hub, controlled, now, options.simTickMs ?? 100)
    devHost = createStubDevHost({
      simulator: controlled,
      scenario: settings.simScenario,
      seed: settings.simSeed,
      repos: settings.simRepos,
      now,
      hub: () => hub,
      connections: () => registry.all(),
      connectionCount: () => registry.size,
      restart(next) {
        driver?.stop()
        registry.endAll('scenario')
        hub = newHub()
        ctx.hub = hub
        driver = startSimDriver(hub, next, now, options.simTickMs ?? 100)
      },
    })
  }

  const stub: StubServer = {
    server,
    get hub() {
      return hub
    },
    registry,
    timers,
    listen() {
      return new Promise((resolveListen, reject) => {
        server.once('error', reject)
        server.listen(settings.port, settings.host, () => {
          server.off('error', reject)
          if (options.simulator) startSimulation(options.simulator)
          // Retention also runs when nothing is published, so merged PRs leave the snapshot on time.
          pruneTimer = setInterval(() => hub.prune(), 1000)
          pruneTimer.unref()
          const { port } = server.address() as AddressInfo
          const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host
          resolveListen({ port, url: `http://${host}:${port}` })
        })
      })
    },
    close() {
      driver?.stop()
      driver = null
      if (pruneTimer) clearInterval(pruneTimer)
      pruneTimer = null
      registry.endAll('shutdown')
      return new Promise((resolveClose) => {
        if (!server.listening) return resolveClose()
        // Let the reconnect frames flush; whoever still hangs on after a grace period is cut.
        const force = setTimeout(() => server.closeAllConnections(), 1000)
        server.close(() => {
          clearTimeout(force)
          resolveClose()
        })
        // Ended streams become idle once their last frame is flushed: close them then.
        setImmediate(() => server.closeIdleConnections())
        setTimeout(() => server.closeIdleConnections(), 100).unref()
      })
    },
    setUnavailable(ms: number) {
      unavailableUntil = ms > 0 ? now() + ms : 0
    },
    dropAllStreams(reason = 'server-drop') {
      registry.endAll(reason)
    },
  }
  return stub
}
