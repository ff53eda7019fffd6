import { describe, expect, it } from 'vitest'
import { compileMatcher, matches, parseFilters, passes, queryValues, splitPatterns } from '../../src/domain/filters'

describe('matches', () => {
  it.each([
    [['api'], 'api', true],
    [['api'], 'API', true],
    [['API'], 'api', true],
    [['api'], 'api-gateway', false],
    [['api'], 'my-api', false],
    [['api-*'], 'api-gateway', true],
    [['api-*'], 'api-', true],
    [['api-*'], 'api', false],
    [['*-web'], 'shop-web', true],
    [['*'], 'anything', true],
    [['a*b*c'], 'aXXbYYc', true],
    [['a*b*c'], 'aXXcYYb', false],
    [['web.app'], 'web.app', true],
    [['web.app'], 'webXapp', false],
    [['c++'], 'c++', true],
    [['c++'], 'cc', false],
    [['lib[1]'], 'lib[1]', true],
    [['lib[1]'], 'lib1', false],
    [['a(b)|c'], 'a(b)|c', true],
    [['a(b)|c'], 'c', false],
    [['^x$'], '^x$', true],
    [['x?'], 'x?', true],
    [['x?'], 'x', false],
    [['back\\slash'], 'back\\slash', true],
    [['api', 'web-*'], 'web-shop', true],
    [['api', 'web-*'], 'billing', false],
    [[], 'api', false],
    [['  '], 'api', false],
  ] as const)('%j matches %s: %s', (patterns, name, expected) => {
    expect(matches(patterns, name)).toBe(expected)
  })
})

describe('splitPatterns', () => {
  it('trims, lower-cases, drops empties and duplicates', () => {
    expect(splitPatterns(' Api , ,web-*,API,, ')).toEqual(['api', 'web-*'])
    expect(splitPatterns('')).toEqual([])
  })
})

describe('queryValues', () => {
  it.each([
    ['?repos=a,b', ['a,b']],
    ['repos=a,b', ['a,b']],
    ['?repos=a&repos=b', ['a', 'b']],
    ['?repos=c%2B%2B', ['c++']],
    ['?repos=c++', ['c++']],
    ['?repos=%E0%A4%A', ['%E0%A4%A']],
    ['?repos', ['']],
    ['?other=1', []],
    ['', []],
  ])('%s', (search, expected) => {
    expect(queryValues(search, 'repos')).toEqual(expected)
  })
})

describe('parseFilters', () => {
  it('is inactive without filters', () => {
    expect(parseFilters('')).toEqual({ repos: null, services: null, active: false, label: '' })
    expect(parseFilters('?repos=&services=,,')).toMatchObject({ repos: null, services: null, active: false })
  })

  it('parses repos and services into matchers with a label', () => {
    const filters = parseFilters('?repos=API,web-*&services=%20billing%20')
    expect(filters.active).toBe(true)
    expect(filters.repos!('api')).toBe(true)
    expect(filters.repos!.test('web-shop')).toBe(true)
    expect(filters.repos!('billing')).toBe(false)
    expect(filters.repos!.patterns).toEqual(['api', 'web-*'])
    expect(filters.services!('Billing')).toBe(true)
    expect(filters.label).toBe('repos: api, web-* · services: billing')
  })

  it('merges repeated parameters and sets only what is given', () => {
    const filters = parseFilters('?repos=a&repos=b')
    expect(filters.repos!.patterns).toEqual(['a', 'b'])
    expect(filters.services).toBeNull()
    expect(filters.label).toBe('repos: a, b')
  })

  it('passes lets everything through without a matcher', () => {
    expect(passes(null, 'x')).toBe(true)
    expect(passes(compileMatcher(['y']), 'x')).toBe(false)
    expect(passes(compileMatcher(['x']), 'x')).toBe(true)
  })
})
