// The few schema building blocks the protocol needs, with valibot's semantics and wording (the
// page used valibot 1.5, which cost its first load 2.4 kB gzip; these cost about 0.7 kB): loose
// objects keep unknown fields, and the first problem found is reported as `path: message`.
// A check returns its output (a fresh object or array, never the input) or FAIL, and leaves
// the problem in `issue`, so the hot path allocates no issue and throws nothing. Building a
// schema has no side effects (marked so): a schema the page never uses, such as the ingest's,
// is left out of its bundle.

const FAIL: unique symbol = Symbol('invalid')
type Fail = typeof FAIL

export interface Schema<T> {
  (input: unknown): T | Fail
  /** An object may lack this key. */
  readonly optional?: boolean
}
export type OptionalSchema<T> = Schema<T | undefined> & { readonly optional: true }
export type Output<S> = S extends Schema<infer T> ? T : never

export interface Issue {
  /** Object keys and array indexes from the root to the value at fault. */
  readonly path: (string | number)[]
  readonly message: string
}

let issue: Issue = { path: [], message: '' }

function fail(message: string): Fail {
  issue = { path: [], message }
  return FAIL
}

function failAt(key: string | number): Fail {
  issue.path.unshift(key)
  return FAIL
}

/** How a value is named in a message: strings quoted, objects by their class, others by type. */
export function describeValue(input: unknown): string {
  const type = typeof input
  if (type === 'string') return `"${input as string}"`
  if (type === 'object' || type === 'function')
    return (input && Object.getPrototypeOf(input)?.constructor?.name) ?? 'null'
  return type === 'number' || type === 'bigint' || type === 'boolean' ? String(input) : type
}

function invalidType(expects: string, input: unknown): Fail {
  return fail(`Invalid type: Expected ${expects} but received ${describeValue(input)}`)
}

const isObject = (input: unknown): input is Record<string, unknown> => !!input && typeof input === 'object'

/* @__NO_SIDE_EFFECTS__ */
function typed<T>(expects: string, test: (input: unknown) => boolean): Schema<T> {
  return (input) => (test(input) ? (input as T) : invalidType(expects, input))
}

export const string = typed<string>('string', (input) => typeof input === 'string')
export const number = typed<number>('number', (input) => typeof input === 'number' && !Number.isNaN(input))
export const boolean = typed<boolean>('boolean', (input) => typeof input === 'boolean')
export const unknown: Schema<unknown> = (input) => input

/** One of `options`; expected as `("a" | "b")`. */
/* @__NO_SIDE_EFFECTS__ */
export function picklist<const T extends readonly string[]>(options: T): Schema<T[number]> {
  const names = options.map(describeValue)
  return typed(names.length > 1 ? `(${names.join(' | ')})` : (names[0] ?? 'never'), (input) =>
    options.includes(input as string),
  )
}

/** `schema`, and then `test` on its output, failing with `message`. */
/* @__NO_SIDE_EFFECTS__ */
export function check<T>(schema: Schema<T>, test: (value: T) => boolean, message: string): Schema<T> {
  return (input) => {
    const value = schema(input)
    return value === FAIL || test(value) ? value : fail(message)
  }
}

/* @__NO_SIDE_EFFECTS__ */
export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return (input) => (input === null ? null : schema(input))
}

/* @__NO_SIDE_EFFECTS__ */
export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return Object.assign((input: unknown) => (input === undefined ? undefined : schema(input)), {
    optional: true as const,
  })
}

/* @__NO_SIDE_EFFECTS__ */
export function array<T>(item: Schema<T>): Schema<T[]> {
  return (input) => {
    if (!Array.isArray(input)) return invalidType('Array', input)
    const output: T[] = []
    for (let i = 0; i < input.length; i++) {
      const value = item(input[i])
      if (value === FAIL) return failAt(i)
      output.push(value)
    }
    return output
  }
}

type Shape = Record<string, Schema<unknown>>
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S]
type ShapeOutput<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Output<S[K]> } & {
  [K in OptionalKeys<S>]?: Output<S[K]>
}
export type ObjectSchema<S extends Shape, T> = Schema<T> & { readonly shape: S }

/** Keys an output never copies from the input: they would touch the prototype. */
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor'])

type Fields = Record<string, unknown>

/**
 * A constructor of plain objects (their prototype is `Object.prototype`) that V8 lays out with
 * room for 16 keys in the object itself. An object built key by key from `{}` holds its first
 * four there and the rest in a separate array, which costs every later read of them (the
 * store's, retention's, the cards') a memory fetch. V8 sizes a constructor's objects by the
 * assignments to `this` in its source, plus 8, then trims the room to what its first objects
 * used; the assignments below never run. One constructor per schema: its objects share one
 * hidden class per set of keys.
 */
/* @__NO_SIDE_EFFECTS__ */
function fieldsConstructor(): new () => Fields {
  const Fields = function (this: Fields, sized?: boolean) {
    if (sized) this.a = this.b = this.c = this.d = this.e = this.f = this.g = this.h = null
  }
  Fields.prototype = Object.prototype
  return Fields as unknown as new () => Fields
}

/* @__NO_SIDE_EFFECTS__ */
function objectOf<S extends Shape, T>(shape: S, loose: boolean): ObjectSchema<S, T> {
  const keys = Object.keys(shape)
  const schemas = keys.map((key) => shape[key]!)
  const known = new Set(keys)
  const Fields = fieldsConstructor()
  const run = (input: unknown): T | Fail => {
    if (!isObject(input)) return invalidType('Object', input)
    const output = new Fields()
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      const raw = input[key]
      if (raw !== undefined || key in input) {
        const value = schemas[i]!(raw)
        if (value === FAIL) return failAt(key)
        output[key] = value
      } else if (!schemas[i]!.optional) {
        fail(`Invalid key: Expected "${key}" but received undefined`)
        return failAt(key)
      }
    }
    if (loose) {
      for (const key in input) {
        if (!known.has(key) && Object.hasOwn(input, key) && !UNSAFE_KEYS.has(key)) output[key] = input[key]
      }
    }
    return output as T
  }
  return Object.assign(run, { shape })
}

/** An object of `shape`; unknown keys are left out of the output. */
/* @__NO_SIDE_EFFECTS__ */
export function object<S extends Shape>(shape: S) {
  return objectOf<S, ShapeOutput<S>>(shape, false)
}

/** An object of `shape` that keeps unknown keys, so the other side can add fields. */
/* @__NO_SIDE_EFFECTS__ */
export function looseObject<S extends Shape>(shape: S) {
  return objectOf<S, ShapeOutput<S> & { [key: string]: unknown }>(shape, true)
}

/** An object whose `key` names which of `options` (keyed by that name) it must pass. */
/* @__NO_SIDE_EFFECTS__ */
export function variant<K extends string, O extends Record<string, Schema<unknown>>>(
  key: K,
  options: O,
): Schema<Output<O[keyof O]>> {
  const names = Object.keys(options)
  return (input) => {
    if (!isObject(input)) return invalidType('Object', input)
    const tag = input[key]
    const option = typeof tag === 'string' && Object.hasOwn(options, tag) ? options[tag] : undefined
    if (option) return option(input) as Output<O[keyof O]> | Fail
    invalidType(names.length > 1 ? `(${names.map(describeValue).join(' | ')})` : describeValue(names[0]), tag)
    return failAt(key)
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; issue: Issue }

/** Runs `schema` on `input`. Never throws (unless a getter on the input does). */
export function parse<S extends Schema<unknown>>(schema: S, input: unknown): Result<Output<S>> {
  const value = schema(input)
  return value === FAIL ? { ok: false, issue } : { ok: true, value: value as Output<S> }
}

/** `path: message`, as the stream's rejections and the ingest's 400 answers word it. */
export function describeIssue({ path, message }: Issue): string {
  return `${path.length ? path.join('.') : '(root)'}: ${message}`
}
