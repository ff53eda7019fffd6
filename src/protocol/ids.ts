// Event ids are `<epoch>-<seq>`: the epoch names one run of the server, seq counts
// state events from 1 inside it with no gaps. `<epoch>-0` is the head before any event.
export interface EventId {
  epoch: string
  seq: number
}

const ID_PATTERN = /^([a-z0-9]+)-(0|[1-9]\d{0,15})$/

export function parseEventId(raw: string | null | undefined): EventId | null {
  if (!raw) return null
  const match = ID_PATTERN.exec(raw)
  if (!match) return null
  const seq = Number(match[2])
  if (!Number.isSafeInteger(seq)) return null
  return { epoch: match[1]!, seq }
}

export function formatEventId(id: EventId): string {
  return `${id.epoch}-${id.seq}`
}
