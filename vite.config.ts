/**
 * Vite build of the Presence PWA (src/web → dist/web). `airsync serve` serves the output at `/`;
 * `airsync start` builds it when missing or stale (src/cli/commands/web-build.ts). The service
 * worker precaches the app shell so it opens offline after the first visit; API calls (`/v0`,
 * `/v1`) are never cached by it: the data client owns data freshness and offline writes.
 */
import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const root = fileURLToPath(new URL('./src/web/', import.meta.url))

export default defineConfig({
  root,
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('./dist/web/', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `vite dev` against `airsync start` on its default port.
    proxy: { '/v0': 'http://127.0.0.1:8787', '/v1': 'http://127.0.0.1:8787' },
  },
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Presence',
        short_name: 'Presence',
        description: 'Book video sessions with hosts you click with.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f8fafc',
        theme_color: '#4f46e5',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The first visit's page is controlled at once, so its shell already works offline.
        clientsClaim: true,
        skipWaiting: true,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/v0\//, /^\/v1\//, /^\/healthz/, /^\/metrics/],
      },
    }),
  ],
})
