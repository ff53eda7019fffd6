import { setupWorker } from 'msw/browser'
import { createHandlers } from './handlers'
import { MockSession } from './session'
import { parseMockSettings } from './settings'

// Mock mode's start-up (`npm run dev:mock`): the in-page session behind MSW's service worker.
// Loaded only through a dynamic import under `import.meta.env.MODE === 'mock'`, so no
// production build contains it.

export interface MockRuntime {
  session: MockSession
  stop(): void
}

export async function startMockWorker(search: string = location.search): Promise<MockRuntime> {
  const session = new MockSession(parseMockSettings(search)).start()
  const worker = setupWorker(...createHandlers(session))
  await worker.start({
    serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
    // The page's own modules, styles and Vite's HMR go to the dev server as usual.
    onUnhandledRequest: 'bypass',
    quiet: true,
  })
  const runtime: MockRuntime = {
    session,
    stop() {
      session.stop()
      worker.stop()
    },
  }
  // For a look from the browser console (and end-to-end tests): the hub, the simulator, the streams.
  ;(globalThis as { __radiatorMock?: MockRuntime }).__radiatorMock = runtime
  return runtime
}
