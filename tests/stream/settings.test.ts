import { spawn, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, loadSettings, SettingsError } from '../../mocks/server/settings'
import { openRaw } from './helpers'

describe('stub settings', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadSettings({})).toEqual(DEFAULT_SETTINGS)
    expect(DEFAULT_SETTINGS).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      heartbeatMs: 15_000,
      recycleMs: 1_800_000,
      replayWindowMs: 300_000,
      replayMaxEvents: 10_000,
      maxUnsentBytes: 1_048_576,
      sim: true,
      simSeed: 1,
      simSpeed: 1,
      simRepos: 40,
      simScenario: 'normal',
      ingestToken: null,
      corsOrigins: [],
      staticDir: 'dist',
    })
  })

  it('reads every variable', () => {
    const s = loadSettings({
      PORT: '9000',
      HOST: '0.0.0.0',
      HEARTBEAT_MS: '500',
      RECYCLE_MS: '0',
      REPLAY_WINDOW_MS: '1000',
      REPLAY_MAX_EVENTS: '50',
      MAX_UNSENT_BYTES: '65536',
      SIM: '0',
      SIM_SEED: '42',
      SIM_SPEED: '2.5',
      SIM_REPOS: '7',
      SIM_SCENARIO: 'incident',
      INGEST_TOKEN: 'tok',
      CORS_ORIGINS: 'https://a.example, http://localhost:5173',
      STATIC_DIR: '/srv/radiator',
    })
    expect(s).toEqual({
      ...DEFAULT_SETTINGS,
      port: 9000,
      host: '0.0.0.0',
      heartbeatMs: 500,
      recycleMs: 0,
      replayWindowMs: 1000,
      replayMaxEvents: 50,
      maxUnsentBytes: 65536,
      sim: false,
      simSeed: 42,
      simSpeed: 2.5,
      simRepos: 7,
      simScenario: 'incident',
      ingestToken: 'tok',
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
      staticDir: '/srv/radiator',
    })
  })

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['HEARTBEAT_MS', '-5'],
    ['HEARTBEAT_MS', '1.5'],
    ['RECYCLE_MS', '50'],
    ['REPLAY_MAX_EVENTS', '0'],
    ['MAX_UNSENT_BYTES', '10'],
    ['SIM', 'yes'],
    ['SIM_SPEED', '0'],
    ['SIM_SPEED', 'fast'],
    ['SIM_REPOS', '0'],
    ['SIM_SCENARIO', 'chaos'],
    ['CORS_ORIGINS', 'wall.example/path'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    expect(() => loadSettings({ [name]: value })).toThrow(SettingsError)
    expect(() => loadSettings({ [name]: value })).toThrow(name)
  })

  it('lists every bad variable at once', () => {
    try {
      loadSettings({ PORT: 'x', SIM: 'maybe' })
      expect.unreachable()
    } catch (error) {
      expect((error as SettingsError).problems).toHaveLength(2)
    }
  })
})

describe('stub start-up', () => {
  it('exits non-zero with a clear message on a bad setting', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'mocks/server/main.ts'], {
      env: { ...process.env, PORT: 'abc', SIM: '0' },
      encoding: 'utf8',
      timeout: 10_000,
    })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('PORT="abc"')
  })
})

describe('stub shutdown', () => {
  it('ends every stream with reconnect (shutdown) and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'mocks/server/main.ts'], {
      env: { ...process.env, PORT: '0', SIM: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8')
        child.stdout.once('data', (chunk: string) => resolve(chunk))
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)))
      })
      const url = /(http:\/\/[\d.]+:\d+)/.exec(line)![1]!
      const s = await openRaw(`${url}/api/stream`)
      await s.waitFor((e) => e.event === 'snapshot', 5000)
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      const last = await s.waitFor((e) => e.event === 'reconnect', 5000)
      expect(JSON.parse(last.data)).toEqual({ reason: 'shutdown' })
      await s.waitForEnd(5000)
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
