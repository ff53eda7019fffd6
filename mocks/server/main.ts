import type { Simulator } from '../scenario/types'
import { createStubServer } from './app'
import { loadSettings, SettingsError, type Settings } from './settings'

// Entry point: `npm run stub`. Settings from the environment, see docs/protocol.md.

async function loadSimulator(settings: Settings): Promise<Simulator | undefined> {
  if (!settings.sim) return undefined
  const { createSimulator } = await import('../scenario/index')
  return createSimulator({
    seed: settings.simSeed,
    repos: settings.simRepos,
    speed: settings.simSpeed,
    startTime: Date.now(),
    scenario: settings.simScenario,
  })
}

async function main(): Promise<void> {
  let settings: Settings
  try {
    settings = loadSettings(process.env)
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
  const simulator = await loadSimulator(settings)
  const stub = createStubServer(settings, { simulator })
  const { url } = await stub.listen()
  console.log(
    `radiator stub on ${url} (stream ${url}/api/stream, epoch ${stub.hub.epoch}, sim ${settings.sim ? settings.simScenario : 'off'})`,
  )

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`radiator stub: ${signal}, closing ${stub.registry.size} stream(s)`)
    setTimeout(() => process.exit(0), 4000).unref()
    stub.close().then(() => process.exit(0))
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  console.error('radiator stub failed to start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
