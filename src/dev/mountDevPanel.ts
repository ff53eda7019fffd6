import { createApp } from 'vue'
import DevPanel from './DevPanel.vue'

// Dev and dev:mock builds only: main.ts imports this behind `import.meta.env.DEV`, so a
// production build has neither this module nor the panel.

export function mountDevPanel(): void {
  const host = document.createElement('div')
  host.id = 'radiator-dev-panel'
  document.body.append(host)
  createApp(DevPanel, { mockMode: import.meta.env.MODE === 'mock' }).mount(host)
}
