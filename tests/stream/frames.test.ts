import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { describe, expect, it } from 'vitest'
import { encodeFrame, encodeJsonFrame, encodeRetry } from '../../mocks/server/frames'

function parse(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = []
  createParser({ onEvent: (e) => events.push(e) }).feed(text)
  return events
}

describe('SSE frames', () => {
  it('writes id, event and data lines and ends with a blank line', () => {
    expect(encodeFrame({ id: 'e-1', event: 'build', data: '{"a":1}' })).toBe('id: e-1\nevent: build\ndata: {"a":1}\n\n')
    expect(encodeJsonFrame('heartbeat', { serverTime: 'x' })).toBe('event: heartbeat\ndata: {"serverTime":"x"}\n\n')
    expect(encodeRetry(2000)).toBe('retry: 2000\n\n')
  })

  it('splits multi-line data over several data lines, so it reads back unchanged apart from CR', () => {
    const frame = encodeFrame({ event: 'x', data: 'one\ntwo\r\nthree\rfour' })
    expect(frame).toBe('event: x\ndata: one\ndata: two\ndata: three\ndata: four\n\n')
    expect(parse(frame)[0]!.data).toBe('one\ntwo\nthree\nfour')
  })

  it('strips line breaks and NUL from event and id, so a value can never start a field', () => {
    const frame = encodeFrame({ id: 'e-1\nevent: evil\r\0', event: 'build\ndata: injected', data: '{}' })
    expect(frame.split('\n').filter((l) => l.startsWith('data:'))).toEqual(['data: {}'])
    const [event] = parse(frame)
    expect(event).toEqual({ id: 'e-1event: evil', event: 'builddata: injected', data: '{}' })
  })

  it('keeps leading spaces of data intact', () => {
    expect(parse(encodeFrame({ data: '  indented' }))[0]!.data).toBe('  indented')
  })
})
