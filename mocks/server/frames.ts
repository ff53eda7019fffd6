// SSE frame encoding. A frame is always one whole string ending in a blank line, so any
// boundary between two writes is an event boundary (recycling and cut-offs rely on it).

export interface FrameFields {
  event?: string
  id?: string
  data: string
}

// A line break inside `event:` or `id:` would start a new field; NUL makes browsers drop an id.
const FIELD_BREAKERS = /[\r\n\0]/g

export function encodeFrame({ event, id, data }: FrameFields): string {
  let out = ''
  if (id !== undefined) out += `id: ${id.replace(FIELD_BREAKERS, '')}\n`
  if (event !== undefined) out += `event: ${event.replace(FIELD_BREAKERS, '')}\n`
  // JSON.stringify never emits raw line breaks, but a data line may not hold one, so split to be safe.
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return out + '\n'
}

/** The `event:` frame for a JSON payload with no id (hello, heartbeat, reconnect, log). */
export function encodeJsonFrame(event: string, payload: unknown, id?: string): string {
  return encodeFrame({ event, id, data: JSON.stringify(payload) })
}

export function encodeRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`
}
