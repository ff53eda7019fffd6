/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { noReactiveLists } from './scripts/noReactiveLists.ts'

const stubPort = process.env.STUB_PORT ?? '8081'

/**
 * Pinia 4.1's dist defines its devtools' file saver at module level behind a `typeof
 * HTMLAnchorElement` test, which the minifier must keep (a global read may throw): about 1 kB
 * gzip of dead code in a production build. Marked pure, it goes when nothing uses it (devtools
 * are off in production); in dev the devtools still use it.
 */
function piniaFileSaverPure(): Plugin {
  return {
    name: 'radiator:pinia-file-saver-pure',
    apply: 'build',
    transform: {
      filter: { id: /[\\/]node_modules[\\/]pinia[\\/]dist[\\/]pinia\.js$/ },
      handler(code) {
        const pure = code.replace(/^(const|var) saveAs = (.+);$/m, '$1 saveAs = /* @__PURE__ */ (() => $2)();')
        if (pure === code) this.warn('pinia changed: saveAs not found, its devtools code may ship again')
        return pure === code ? null : { code: pure, map: null }
      },
    },
  }
}

/**
 * Vite wraps every `import()` in `__vitePreload`, which loads a lazy chunk's CSS and shared imports
 * alongside it; the helper is about 0.8 kB gzip of the entry, and no option turns it off
 * (vitejs/vite#13952). The page's lazy chunks (log panel, debug overlay, self-update, saving the
 * board) carry their styles inside (`?inline`), so the wrapper has nothing to do: unwrapped here,
 * before minification, the helper goes as unused. A lazy chunk importing CSS would lose it: that
 * fails the build.
 */
function plainDynamicImports(): Plugin {
  const CALL = '__vitePreload('
  const DEPS = ', __VITE_PRELOAD__)'
  return {
    name: 'radiator:plain-dynamic-imports',
    apply: 'build',
    // `__vitePreload(load, __VITE_PRELOAD__)` becomes `(load)()`, which the minifier folds into the
    // bare import(). Until generateBundle the marker is the whole second argument; calls never nest.
    // Padded to the same length, so the code keeps its columns for source maps.
    renderChunk(code, chunk) {
      const calls = code.split(CALL).length - 1
      if (calls === 0) return null
      if (code.split(DEPS).length - 1 !== calls) this.error(`${chunk.fileName}: __vitePreload in an unknown form`)
      const plain = code.replaceAll(CALL, '('.padEnd(CALL.length)).replaceAll(DEPS, ')()'.padEnd(DEPS.length))
      return { code: plain, map: null }
    },
    generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isDynamicEntry && chunk.viteMetadata?.importedCss.size) {
          this.error(`${chunk.fileName} is loaded lazily and imports CSS: import its styles with ?inline instead`)
        }
      }
    },
  }
}

// `--mode mock` (npm run dev:mock): MSW's worker answers /api from the in-page simulator, so
// there is no proxy, and the worker file comes from a folder only this mode serves.
export default defineConfig(({ mode }) => ({
  // Mock mode's lazy dev panel has CSS of its own: it keeps Vite's preload helper.
  plugins: [
    vue({
      // Static props objects and subtrees inline instead of hoisted to module constants: 0.5 kB gzip
      // less (40 kB budget). Each render of a card then allocates its few static props objects again;
      // block-tree patching still skips them, so only allocation changes, not diffing.
      template: { compilerOptions: { hoistStatic: false } },
    }),
    piniaFileSaverPure(),
    // Mock mode's dev panel keeps plain refs of objects with lists in them.
    mode === 'mock' ? null : noReactiveLists(),
    mode === 'mock' ? null : plainDynamicImports(),
  ],
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
    // Browsers with light-dark() (Baseline 2024), which theme.css uses: lightningcss then keeps it
    // instead of lowering it to a pair of variables per colour (0.06 kB gzip).
    cssTarget: ['chrome123', 'edge123', 'firefox120', 'safari17.5'],
    rolldownOptions: {
      // Every constant with a primitive value inlined where used, not only where Rolldown judges it
      // worth it: 0.04 kB gzip.
      optimization: { inlineConst: { mode: 'all', pass: 1 } },
    },
  },
  test: {
    include: ['tests/{unit,components,stream}/**/*.test.ts'],
    environment: 'node',
    // The lazy chunks' styles (?inline) are real CSS in tests too, so tests can see them added.
    css: { include: [/src\/components\/\w+\.css/] },
    testTimeout: 15000,
    hookTimeout: 15000,
  },
}))
