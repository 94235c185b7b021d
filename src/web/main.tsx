/** The PWA's entry: mounts the app and registers the service worker (app shell offline). */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { registerSW } from 'virtual:pwa-register'
import { App } from './app.tsx'
import './styles.css'

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
// Precaches the shell on first visit; a new deploy is picked up on the next load.
registerSW({ immediate: true })
