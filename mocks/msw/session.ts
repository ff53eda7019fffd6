import type { ControlledSimulator } from '../scenario/controls'
import type { ScenarioName } from '../scenario/types'
import { createControlledSimulator, type DevHost } from '../server/control'
import { EventHub } from '../server/hub'
import { seedFromSimulator, tickSimulator } from '../server/simDriver'
import { MockConnection } from './connection'
import { DEFAULT_MOCK_SETTINGS, type MockSettings } from './settings'

// The in-page stand-in for the stub: one hub, one simulator under dev control, the open
// stream connections. MSW's handlers (handlers.ts) are its routes.

export const MOCK_SERVER_VERSION = 'mock'

export interface MockSessionOptions {
  now?: () => number
  random?: () => number
  /** Start with no simulator at all (scripted tests push events through ingest). */
  simulate?: boolean
}

export class MockSession implements DevHost {
  hub: EventHub
  simulator: ControlledSimulator
  scenario: ScenarioName
  seed: number
  readonly settings: MockSettings
  readonly connections = new Map<string, MockConnection>()
  /** The last few stream opens: the resume point asked for and whether it was honoured (diagnostics, tests). */
  readonly recentOpens: { lastEventId: string | null; replayed: boolean }[] = []
  private timer: ReturnType<typeof setInterval> | null = null
  private pruneTimer: ReturnType<typeof setInterval> | null = null
  private readonly clock: () => number
  private readonly random: () => number
  private readonly simulate: boolean

  constructor(settings: Partial<MockSettings> = {}, options: MockSessionOptions = {}) {
    this.settings = { ...DEFAULT_MOCK_SETTINGS, ...settings }
    this.clock = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.simulate = options.simulate ?? true
    this.scenario = this.settings.scenario
    this.seed = this.settings.seed
    this.hub = this.newHub()
    this.simulator = this.newSimulator()
  }

  now(): number {
    return this.clock()
  }

  /** Seeds the hub and starts advancing the simulator. */
  start(): this {
    if (this.simulate) seedFromSimulator(this.hub, this.simulator)
    this.startTimers()
    return this
  }

  stop(): void {
    this.stopTimers()
    for (const connection of [...this.connections.values()]) connection.end('shutdown')
  }

  /** Opens a stream connection: the body of one /api/stream response. */
  open(lastEventId: string | null): MockConnection {
    const connection = new MockConnection({
      hub: this.hub,
      heartbeatMs: this.settings.heartbeatMs,
      recycleMs: this.settings.recycleMs,
      retryMs: this.settings.retryMs,
      maxUnsentBytes: this.settings.maxUnsentBytes,
      serverVersion: MOCK_SERVER_VERSION,
      now: () => this.now(),
      random: this.random,
      onClose: (closed) => {
        if (this.connections.get(closed.id) === closed) this.connections.delete(closed.id)
      },
    })
    this.connections.set(connection.id, connection)
    this.recentOpens.push({ lastEventId, replayed: this.hub.resume(lastEventId) !== null })
    if (this.recentOpens.length > 20) this.recentOpens.shift()
    connection.start(lastEventId)
    return connection
  }

  connectionCount(): number {
    return this.connections.size
  }

  dropConnections(): number {
    const all = [...this.connections.values()]
    for (const connection of all) connection.destroy()
    return all.length
  }

  broadcastRaw(frame: string): number {
    let sent = 0
    for (const connection of this.connections.values()) {
      if (!connection.isLive) continue
      connection.sendControl(frame)
      sent++
    }
    return sent
  }

  switchScenario(scenario: ScenarioName, seed: number): void {
    const speed = this.simulator.speed
    this.stopTimers()
    for (const connection of [...this.connections.values()]) connection.end('scenario')
    this.scenario = scenario
    this.seed = seed
    this.settings.speed = speed
    // A new hub is a new epoch: every page's resume point is void and it takes a fresh snapshot.
    this.hub = this.newHub()
    this.simulator = this.newSimulator()
    this.start()
  }

  private newHub(): EventHub {
    return new EventHub({
      replayWindowMs: this.settings.replayWindowMs,
      replayMaxEvents: this.settings.replayMaxEvents,
      now: () => this.now(),
    })
  }

  private newSimulator(): ControlledSimulator {
    return createControlledSimulator({
      seed: this.seed,
      repos: this.settings.repos,
      speed: this.settings.speed,
      scenario: this.scenario,
      startTime: this.now(),
    }).simulator
  }

  private startTimers(): void {
    this.stopTimers()
    if (this.simulate)
      this.timer = setInterval(() => tickSimulator(this.hub, this.simulator, this.now()), this.settings.tickMs)
    // Retention also runs when nothing is published, so merged PRs leave the snapshot on time.
    this.pruneTimer = setInterval(() => this.hub.prune(), 1000)
  }

  private stopTimers(): void {
    if (this.timer !== null) clearInterval(this.timer)
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer)
    this.timer = null
    this.pruneTimer = null
  }
}
