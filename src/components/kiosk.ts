/** `?kiosk` (any value) turns the page into the wall screen: dark, no cursor, everything fits. */
export function isKiosk(search: string): boolean {
  return new URLSearchParams(search).has('kiosk')
}
