import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { isKiosk, loadKiosk } from './components/kiosk'
import { addressFilters } from './components/addressFilters'
import './styles/theme.css'
import './styles/layout.css'
import './styles/cards.css'

const kiosk = isKiosk(location.search)
document.documentElement.classList.toggle('kiosk', kiosk)

// The page waits for the code its first paint needs in this address, each a chunk of its own:
// the filters of an address that has any, and the kiosk's fit and styles, so neither paints unfiltered
// or unfitted.
const ready = Promise.all([addressFilters(location.search), kiosk && loadKiosk()])
const mount = () => void ready.then(([filters]) => createApp(App, { filters }).use(createPinia()).mount('#app'))
const mountDevPanel = () => void import('./dev/mountDevPanel').then((panel) => panel.mountDevPanel())

// Mock mode (npm run dev:mock): MSW's worker must answer /api before the page or the dev panel
// call it. Both dev-only branches are constant-false in a production build: their chunks never ship.
if (import.meta.env.MODE === 'mock') {
  import('../mocks/msw/browser')
    .then(({ startMockWorker }) => startMockWorker())
    .catch((error: unknown) => console.error('radiator: the mock worker did not start', error))
    .finally(() => {
      mount()
      mountDevPanel()
    })
} else {
  mount()
  if (import.meta.env.DEV) mountDevPanel()
}
