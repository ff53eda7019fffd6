import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { isKiosk } from './components/kiosk'
import './styles/theme.css'
import './styles/layout.css'
import './styles/cards.css'

document.documentElement.classList.toggle('kiosk', isKiosk(location.search))

createApp(App).use(createPinia()).mount('#app')
