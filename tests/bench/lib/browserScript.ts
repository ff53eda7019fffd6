import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * The function expression in `lib/<file>`, comments and the leading `;` dropped, ready to be sent
 * to a page as `(${expression})(...)`.
 */
export function browserFunction(file: string): string {
  return readFileSync(resolve(import.meta.dirname, file), 'utf8')
    .replace(/^\s*\/\/.*$/gm, '')
    .trim()
    .replace(/^;/, '')
}

/** `browserFunction(file)` called with the card-change factory (cardChange.browser.js) and `args`. */
export function withCardChange(file: string, args: unknown = {}): string {
  return `(${browserFunction(file)})(${browserFunction('cardChange.browser.js')}, ${JSON.stringify(args)})`
}
