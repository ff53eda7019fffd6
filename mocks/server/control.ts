import type { IncomingMessage, ServerResponse } from 'node:http'
import { controlSimulator, isDevAction, MAX_SPEED, type ControlledSimulator } from '../scenario/controls'
import { createSimulator } from '../scenario/simulator'
import { SCENARIOS, type ScenarioName, type SimEvent, type Simulator } from '../scenario/types'
import type { EventHub } from './hub'
import { isJsonContentType, readBody, sendError, sendJson } from './http'

// The dev panel's control endpoints, `/api/dev/<command>`. The command logic (runDevCommand)
// has no node: imports at runtime, so the MSW handlers run the very same commands on the
// in-page simulator; only handleControl below is node:http wiring for the stub.

export const DEV_PATH = '/api/dev/'

/** Invalid JSON in a state event: the page must drop it, count it, and stay live. */
export const MALFORMED_FRAME = 'event: build\ndata: {"id":"b-malformed","status":\n\n'

export const STREAM_COMMANDS = ['drop-connection', 'malformed-frame'] as const
export const SIM_COMMANDS = ['pause', 'resume', 'speed', 'scenario'] as const

/** What a running simulation offers the control commands: the stub's and the in-page one. */
export interface DevHost {
  readonly simulator: ControlledSimulator
  readonly scenario: ScenarioName
  readonly seed: number
  readonly hub: EventHub
  now(): number
  connectionCount(): number
  /** Ends every stream at once without a goodbye; returns how many. */
  dropConnections(): number
  /** Writes `frame` to every live stream; returns how many. */
  broadcastRaw(frame: string): number
  /** A fresh simulator and hub (new epoch): every stream is ended so the pages take a new snapshot. */
  switchScenario(scenario: ScenarioName, seed: number): void
}

export interface DevStatus {
  scenario: ScenarioName
  seed: number
  speed: number
  paused: boolean
  connections: number
  scenarios: readonly ScenarioName[]
  commands: readonly string[]
}

export interface DevResponse {
  status: number
  body: unknown
}

/** Publishes simulator events into the hub the way the driver does. */
export function publishSimEvents(hub: EventHub, events: readonly SimEvent[]): void {
  for (const event of events) {
    if (event.type === 'log') hub.appendLog(event.data.buildId, event.data.lines)
    else if (event.type === 'build') hub.publish('build', event.data)
    else if (event.type === 'pull_request') hub.publish('pull_request', event.data)
    else hub.publish('deployment', event.data)
  }
}

export function devStatus(host: DevHost): DevStatus {
  return {
    scenario: host.scenario,
    seed: host.seed,
    speed: host.simulator.speed,
    paused: host.simulator.paused,
    connections: host.connectionCount(),
    scenarios: SCENARIOS,
    commands: [
      'fail-build',
      'fix-build',
      'open-ready-pr',
      'make-blocking',
      'start-rollout',
      'fail-deployment',
      ...STREAM_COMMANDS,
      ...SIM_COMMANDS,
    ],
  }
}

/** A simulator under dev control, from the same options the stub and mock mode read. */
export function createControlledSimulator(opts: {
  seed: number
  repos: number
  speed: number
  scenario: ScenarioName
  startTime: number
}): { simulator: ControlledSimulator; raw: Simulator } {
  // A copy: setSpeed changes the simulator's own options, never the caller's object.
  const raw = createSimulator({ ...opts })
  return { simulator: controlSimulator(raw), raw }
}

function object(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {}
}

const ok = (message: string, host: DevHost, extra: Record<string, unknown> = {}): DevResponse => ({
  status: 200,
  body: { ok: true, message, ...extra, status: devStatus(host) },
})

/**
 * Runs one dev command. `host` is null when no simulator runs (the stub with SIM=0):
 * every command is then refused with 404, so a pushed-events-only stub never fakes data.
 */
export function runDevCommand(host: DevHost | null, command: string, method: string, input: unknown): DevResponse {
  if (!host) return { status: 404, body: { error: 'dev controls need the simulator (SIM=1)' } }
  if (command === 'status') {
    if (method !== 'GET') return { status: 405, body: { error: `method ${method} not allowed` } }
    return { status: 200, body: devStatus(host) }
  }
  if (method !== 'POST') return { status: 405, body: { error: `method ${method} not allowed` } }
  const body = object(input)
  if (isDevAction(command)) {
    const result = host.simulator.act(command, host.now())
    publishSimEvents(host.hub, result.events)
    if (!result.ok) return { status: 409, body: { ok: false, error: result.message, status: devStatus(host) } }
    return ok(result.message, host, { id: result.id })
  }
  switch (command) {
    case 'drop-connection':
      return ok(`dropped ${host.dropConnections()} stream(s)`, host)
    case 'malformed-frame':
      return ok(`sent a malformed frame on ${host.broadcastRaw(MALFORMED_FRAME)} stream(s)`, host)
    case 'pause':
      publishSimEvents(host.hub, host.simulator.advance(host.now()))
      host.simulator.pause()
      return ok('simulator paused', host)
    case 'resume':
      host.simulator.advance(host.now())
      host.simulator.resume()
      return ok('simulator resumed', host)
    case 'speed': {
      const speed = body.speed
      if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
        return { status: 400, body: { error: `speed: must be a number above 0 and at most ${MAX_SPEED}` } }
      }
      host.simulator.setSpeed(speed)
      return ok(`speed ${speed}`, host)
    }
    case 'scenario': {
      const scenario = body.scenario
      if (typeof scenario !== 'string' || !(SCENARIOS as readonly string[]).includes(scenario)) {
        return { status: 400, body: { error: `scenario: must be one of ${SCENARIOS.join(', ')}` } }
      }
      const seed = body.seed ?? host.seed
      if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
        return { status: 400, body: { error: 'seed: must be a whole number, 0 or more' } }
      }
      host.switchScenario(scenario as ScenarioName, seed)
      return ok(`scenario ${scenario} (seed ${seed})`, host)
    }
    default:
      return { status: 404, body: { error: `no dev command ${command}` } }
  }
}

/** `/api/dev/<command>` on the stub; the same bearer token as ingest when INGEST_TOKEN is set. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  host: DevHost | null,
  tokenMatches: (header: string | undefined) => boolean,
): Promise<void> {
  if (!tokenMatches(req.headers.authorization)) {
    return sendError(res, 401, 'Authorization: a valid Bearer token is required', { 'WWW-Authenticate': 'Bearer' })
  }
  const command = path.slice(DEV_PATH.length)
  let input: unknown = undefined
  const declared = req.headers['content-length']
  if (req.method === 'POST' && (declared === undefined ? req.headers['transfer-encoding'] : declared !== '0')) {
    if (!isJsonContentType(req)) return sendError(res, 415, 'Content-Type must be application/json')
    const body = await readBody(req, 16 * 1024)
    if (!body.ok) return sendError(res, body.status, body.error)
    try {
      input = body.text === '' ? undefined : JSON.parse(body.text)
    } catch {
      return sendError(res, 400, '(root): body is not valid JSON')
    }
  }
  const { status, body } = runDevCommand(host, command, req.method ?? 'GET', input)
  sendJson(res, status, body)
}

/** What the stub lends its dev host: its connections and a way to start over on a new hub. */
export interface StubDevDeps {
  simulator: ControlledSimulator
  scenario: ScenarioName
  seed: number
  repos: number
  now(): number
  hub(): EventHub
  connections(): Iterable<{ readonly isLive: boolean; sendControl(frame: string): void; destroy(): void }>
  connectionCount(): number
  /** Ends every stream (reconnect event), replaces the hub with a fresh one and drives it with `simulator`. */
  restart(simulator: ControlledSimulator): void
}

export function createStubDevHost(deps: StubDevDeps): DevHost {
  let simulator = deps.simulator
  let scenario = deps.scenario
  let seed = deps.seed
  return {
    get simulator() {
      return simulator
    },
    get scenario() {
      return scenario
    },
    get seed() {
      return seed
    },
    get hub() {
      return deps.hub()
    },
    now: () => deps.now(),
    connectionCount: () => deps.connectionCount(),
    dropConnections() {
      const all = [...deps.connections()]
      for (const connection of all) connection.destroy()
      return all.length
    },
    broadcastRaw(frame) {
      let sent = 0
      for (const connection of deps.connections()) {
        if (!connection.isLive) continue
        connection.sendControl(frame)
        sent++
      }
      return sent
    },
    switchScenario(next, nextSeed) {
      const speed = simulator.speed
      simulator = createControlledSimulator({
        seed: nextSeed,
        repos: deps.repos,
        speed,
        scenario: next,
        startTime: deps.now(),
      }).simulator
      scenario = next
      seed = nextSeed
      deps.restart(simulator)
    },
  }
}
