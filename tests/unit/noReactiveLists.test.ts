import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { editVueSource } from '../../scripts/noReactiveLists'

// The build step that drops Vue's reactive arrays and collections (scripts/noReactiveLists.ts),
// run on the installed @vue/reactivity and loaded as the page's build would load it.

const vueDist = (pkg: string, file: string) =>
  resolve(import.meta.dirname, '../../node_modules/@vue', pkg, 'dist', file)

type Reactivity = typeof import('@vue/reactivity')

let dir = ''
let vue: Reactivity
beforeAll(async () => {
  const source = await readFile(vueDist('reactivity', 'reactivity.esm-bundler.js'), 'utf8')
  const shared = pathToFileURL(vueDist('shared', 'shared.esm-bundler.js')).href
  dir = await mkdtemp(join(tmpdir(), 'radiator-reactivity-'))
  const file = join(dir, 'reactivity.mjs')
  await writeFile(file, editVueSource('reactivity', source).replace("from '@vue/shared'", `from '${shared}'`))
  vue = (await import(pathToFileURL(file).href)) as Reactivity
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the build without reactive lists', () => {
  it('refuses arrays, Maps and Sets, made reactive, readonly or held in a ref', () => {
    expect(() => vue.reactive([1])).toThrow('reactive list: use shallowRef')
    expect(() => vue.reactive(new Map())).toThrow('reactive list')
    expect(() => vue.readonly(new Set())).toThrow('reactive list')
    expect(() => vue.ref([1])).toThrow('reactive list')
    expect(() => vue.reactive({ items: [1] }).items).toThrow('reactive list')
  })

  it('keeps reactive objects and lists in shallowRef working', () => {
    const state = vue.reactive({ count: 1, nested: { label: 'a' } })
    const list = vue.shallowRef<readonly number[]>([1])
    const seen: string[] = []
    vue.effect(() => seen.push(`${state.count} ${state.nested.label} ${list.value.join(',')}`))
    state.count = 2
    state.nested.label = 'b'
    list.value = [...list.value, 2]
    expect(seen).toEqual(['1 a 1', '2 a 1', '2 b 1', '2 b 1,2'])
    // A frozen entity is left as it is, as the board's are.
    const frozen = Object.freeze({ tags: Object.freeze(['x']) })
    expect(vue.reactive(frozen)).toBe(frozen)
  })

  it("fails the build when Vue's code no longer reads as expected", () => {
    expect(() => editVueSource('reactivity', 'const x = 1')).toThrow('@vue/reactivity changed')
    expect(() => editVueSource('runtime-core', 'const x = 1')).toThrow('@vue/runtime-core changed')
  })
})
