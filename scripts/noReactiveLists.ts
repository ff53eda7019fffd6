import type { Plugin } from 'vite'

/**
 * The page never makes an array, a Map or a Set reactive: the board's maps and lists live in
 * shallowRef state, replaced whole with frozen entities (the store's throughput needs that
 * anyway), and so do the few other lists. Vue still ships its proxy traps for collections and its
 * wrapped array methods, 1.6 kB gzip of the 40 kB budget (docs/performance.md, "Bundle").
 * This build step drops both and makes `reactive()`, `readonly()` and `ref()` of such a value
 * throw instead, so that a reactive list slipping in fails loudly in the built page (the e2e
 * suite runs it) rather than silently not updating. A reactive object still works, but a list
 * read through it (`reactive({ items: [] }).items`) throws too: keep lists in shallowRef.
 */

type Edit = [from: RegExp | string, to: string, count: number]

const EDITS: Record<VuePackage, Edit[]> = {
  reactivity: [
    // The collection handlers reactive(), shallowReactive(), readonly() and shallowReadonly() pass on.
    [/^ {4}(mutable|shallow|readonly|shallowReadonly)CollectionHandlers,$/gm, '    null,', 4],
    ['targetIsArray && (fn = arrayInstrumentations[key])', 'false', 1],
    [
      'if (targetType === 0 /* INVALID */) {',
      'if (targetType === 2 /* COLLECTION */ || isArray(target)) throw TypeError("reactive list: use shallowRef");\n' +
        '  if (targetType === 0 /* INVALID */) {',
      1,
    ],
  ],
  // v-for's path for a reactive array source, which there can no longer be.
  'runtime-core': [
    ['const sourceIsReactiveArray = sourceIsArray && isReactive(source);', 'const sourceIsReactiveArray = false;', 1],
  ],
}

export type VuePackage = 'reactivity' | 'runtime-core'

/** Vue's esm-bundler source of `pkg` with the edits made; throws when it no longer reads as expected. */
export function editVueSource(pkg: VuePackage, code: string): string {
  let out = code
  for (const [from, to, count] of EDITS[pkg]) {
    const found = typeof from === 'string' ? out.split(from).length - 1 : (out.match(from) ?? []).length
    if (found !== count) throw new Error(`@vue/${pkg} changed: ${String(from)} found ${found} times, not ${count}`)
    out = out.replace(from, to)
  }
  return out
}

const VUE_FILE = /[\\/]node_modules[\\/]@vue[\\/](reactivity|runtime-core)[\\/]dist[\\/][\w-]+\.esm-bundler\.js$/

export function noReactiveLists(): Plugin {
  return {
    name: 'radiator:no-reactive-lists',
    apply: 'build',
    transform: {
      filter: { id: VUE_FILE },
      handler(code, id) {
        const pkg = VUE_FILE.exec(id)![1] as VuePackage
        try {
          return { code: editVueSource(pkg, code), map: null }
        } catch (error) {
          this.error(error instanceof Error ? error.message : String(error))
        }
      },
    },
  }
}
