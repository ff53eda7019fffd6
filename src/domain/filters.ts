/**
 * Filters from the page address: `?repos=api,web-*&services=billing`. Names and `*` globs,
 * comma-separated, case-insensitive, trimmed; empty entries are ignored. A `+` is kept as a
 * plus (repository names such as `c++` are real), not read as a space.
 */

/** Callable (`matcher(name)`) and also usable as `matcher.test(name)`. */
export interface Matcher {
  (name: string): boolean
  test(name: string): boolean
  /** The patterns as given (trimmed, lower-cased, duplicates removed). */
  readonly patterns: readonly string[]
}

export interface Filters {
  repos: Matcher | null
  services: Matcher | null
  /** True when at least one filter is set, so the page says it shows a subset. */
  active: boolean
  /** A short description for the page, such as `repos: api, web-* · services: billing`; '' when inactive. */
  label: string
}

// `*` is not here: patterns are split on it before escaping.
const REGEX_SPECIALS = /[.+?^${}()|[\]\\]/g

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIALS, '\\$&')
}

/** Splits a comma-separated list into trimmed, lower-cased, distinct, non-empty patterns. */
export function splitPatterns(list: string): string[] {
  const seen = new Set<string>()
  for (const part of list.split(',')) {
    const pattern = part.trim().toLowerCase()
    if (pattern) seen.add(pattern)
  }
  return [...seen]
}

function patternToRegex(patterns: readonly string[]): RegExp {
  const alternatives = patterns.map((p) => p.split('*').map(escapeRegex).join('.*'))
  return new RegExp(`^(?:${alternatives.join('|')})$`, 'i')
}

/** A matcher for patterns, or null when there are none (no filter: everything matches). */
export function compileMatcher(patterns: readonly string[]): Matcher | null {
  const list = [...new Set(patterns.map((p) => p.trim().toLowerCase()).filter(Boolean))]
  if (list.length === 0) return null
  const regex = patternToRegex(list)
  const test = (name: string) => regex.test(name)
  return Object.assign(test, { test, patterns: Object.freeze(list) }) as Matcher
}

/** Whether `name` matches any of the patterns (names or `*` globs, case-insensitive). */
export function matches(patterns: readonly string[], name: string): boolean {
  const matcher = compileMatcher(patterns)
  return matcher ? matcher(name) : false
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Every value of `key` in a query string (with or without the leading `?`), decoded. */
export function queryValues(search: string, key: string): string[] {
  const query = search.startsWith('?') ? search.slice(1) : search
  const values: string[] = []
  for (const pair of query.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const name = decode(eq < 0 ? pair : pair.slice(0, eq))
    if (name === key) values.push(eq < 0 ? '' : decode(pair.slice(eq + 1)))
  }
  return values
}

function describe(name: string, matcher: Matcher | null): string | null {
  return matcher ? `${name}: ${matcher.patterns.join(', ')}` : null
}

export function parseFilters(search: string): Filters {
  const repos = compileMatcher(queryValues(search, 'repos').flatMap(splitPatterns))
  const services = compileMatcher(queryValues(search, 'services').flatMap(splitPatterns))
  const label = [describe('repos', repos), describe('services', services)].filter(Boolean).join(' · ')
  return { repos, services, active: repos !== null || services !== null, label }
}

/** True when no matcher is set or the name matches it. */
export function passes(matcher: Matcher | null, name: string): boolean {
  return matcher === null || matcher(name)
}
