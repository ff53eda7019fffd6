import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { isKiosk } from './components/kiosk'
import './styles/theme.css'
import './styles/layout.css'
import './styles/cards.css'

document.documentElement.classList.toggle('kiosk', isKiosk(location.search))

const mount = () => createApp(App).use(createPinia()).mount('#app')
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
