/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const stubPort = process.env.STUB_PORT ?? '8081'

// `--mode mock` (npm run dev:mock): MSW's worker answers /api from the in-page simulator, so
// there is no proxy, and the worker file comes from a folder only this mode serves.
export default defineConfig(({ mode }) => ({
  plugins: [vue()],
  publicDir: mode === 'mock' ? 'dev-mock-public' : 'public',
  // Found only behind the dynamic import: bundled up front, or Vite reloads the page on first use.
  optimizeDeps: mode === 'mock' ? { include: ['msw', 'msw/browser'] } : {},
  define: {
    // The page is Composition API only: without Options API support Vue is about 1.8 kB gzip smaller (40 kB budget).
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy:
      mode === 'mock'
        ? undefined
        : {
            // SSE through Vite's proxy: no buffering, no compression are the stub's own headers.
            '/api': { target: `http://127.0.0.1:${stubPort}`, changeOrigin: false },
          },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // One entry chunk and es2022 browsers: the modulepreload polyfill would be 0.3 kB gzip of dead weight.
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['tests/{unit,components,stream}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15000,
    hookTimeout: 15000,
  },
}))
