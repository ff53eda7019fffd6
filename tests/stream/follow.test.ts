import { afterEach, describe, expect, it } from 'vitest'
import { json, makeBuild, openRaw, postJson, sleep, startStub, type RawStream, type RunningStub } from './helpers'

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

interface LogData {
  buildId: string
  offset: number
  lines: string[]
}

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`)

async function connectionOf(s: RawStream): Promise<string> {
  const hello = await s.waitFor((e) => e.event === 'hello')
  return json<{ connectionId: string }>(hello).connectionId
}

function logsOf(s: RawStream, buildId: string): LogData[] {
  return s.events
    .filter((e) => e.event === 'log')
    .map((e) => json<LogData>(e))
    .filter((l) => l.buildId === buildId)
}

/** Concatenates log events into one offset-indexed view, checking they join up. */
function joined(chunks: LogData[]): { offset: number; lines: string[] } {
  const first = chunks[0]
  if (!first) return { offset: 0, lines: [] }
  const all: string[] = []
  for (const c of chunks) {
    expect(c.offset).toBe(first.offset + all.length)
    all.push(...c.lines)
  }
  return { offset: first.offset, lines: all }
}

async function follow(url: string, body: unknown) {
  return fetch(`${url}/api/follow`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('follow a build log', () => {
  it('sends the backlog from offset 0 in chunks of at most 500 lines, then live lines, all without ids', async () => {
    running = await startStub()
    const { url, stub } = running
    stub.hub.appendLog('b-1', lines(0, 1200))
    const s = await openRaw(`${url}/api/stream`)
    const connectionId = await connectionOf(s)
    const res = await follow(url, { connectionId, buildId: 'b-1' })
    expect(res.status).toBe(204)
    await s.waitFor((e) => e.event === 'log' && json<LogData>(e).offset === 1000)
    stub.hub.appendLog('b-1', ['live 1', 'live 2'])
    stub.hub.appendLog('b-2', ['other build'])
    await s.waitFor((e) => e.event === 'log' && json<LogData>(e).offset === 1200)
    const chunks = logsOf(s, 'b-1')
    expect(chunks.every((c) => c.lines.length <= 500)).toBe(true)
    expect(joined(chunks)).toEqual({ offset: 0, lines: [...lines(0, 1200), 'live 1', 'live 2'] })
    expect(logsOf(s, 'b-2')).toEqual([])
    expect(s.events.filter((e) => e.event === 'log').every((e) => e.id === undefined)).toBe(true)
    s.close()
  })

  it('starts at fromOffset, or at the oldest kept line once older ones were dropped', async () => {
    running = await startStub({}, { hub: { logs: { maxLinesPerBuild: 100 } } })
    const { url, stub } = running
    stub.hub.appendLog('b-1', lines(0, 50))
    stub.hub.appendLog('b-2', lines(0, 250))
    const s = await openRaw(`${url}/api/stream`)
    const connectionId = await connectionOf(s)
    expect((await follow(url, { connectionId, buildId: 'b-1', fromOffset: 40 })).status).toBe(204)
    expect((await follow(url, { connectionId, buildId: 'b-2', fromOffset: 10 })).status).toBe(204)
    await s.waitFor((e) => e.event === 'log' && json<LogData>(e).buildId === 'b-2')
    expect(joined(logsOf(s, 'b-1'))).toEqual({ offset: 40, lines: lines(40, 50) })
    expect(joined(logsOf(s, 'b-2'))).toEqual({ offset: 150, lines: lines(150, 250) })
    s.close()
  })

  it('answers 404 for an unknown connection and 400 naming a bad field', async () => {
    running = await startStub()
    const { url } = running
    const unknown = await follow(url, { connectionId: 'nope', buildId: 'b-1' })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: expect.stringContaining('connectionId') })
    const bad = await follow(url, { connectionId: 'x', buildId: 7 })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/^buildId: /) })
    const offset = await follow(url, { connectionId: 'x', buildId: 'b', fromOffset: -1 })
    expect(await offset.json()).toEqual({ error: expect.stringMatching(/^fromOffset: /) })
    const del = await fetch(`${url}/api/follow?connectionId=nope&buildId=b-1`, { method: 'DELETE' })
    expect(del.status).toBe(404)
  })

  it.each(['body', 'query'])('stops live lines after DELETE /api/follow by %s', async (how) => {
    running = await startStub()
    const { url, stub } = running
    const s = await openRaw(`${url}/api/stream`)
    const connectionId = await connectionOf(s)
    await follow(url, { connectionId, buildId: 'b-1' })
    stub.hub.appendLog('b-1', ['before'])
    await s.waitFor((e) => e.event === 'log')
    const res =
      how === 'body'
        ? await fetch(`${url}/api/follow`, {
            method: 'DELETE',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ connectionId, buildId: 'b-1' }),
          })
        : await fetch(`${url}/api/follow?connectionId=${connectionId}&buildId=b-1`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(stub.hub.logs.watcherCount).toBe(0)
    stub.hub.appendLog('b-1', ['after'])
    stub.hub.publish('build', makeBuild(1))
    await s.waitFor((e) => e.event === 'build')
    await sleep(20)
    expect(logsOf(s, 'b-1').flatMap((l) => l.lines)).toEqual(['before'])
    s.close()
  })

  it('carries hostile log lines byte-exact', async () => {
    running = await startStub()
    const { url, stub } = running
    const s = await openRaw(`${url}/api/stream`)
    const connectionId = await connectionOf(s)
    await follow(url, { connectionId, buildId: 'b-x' })
    const hostile = [
      '\u001b[31mred\u001b[0m',
      'a\nb',
      'c\rd',
      'nul\u0000',
      '<script>x</script>',
      '🚀 ü 中',
      '',
      'data: fake',
      'id: 9',
    ]
    expect(
      (await postJson(`${url}/api/events`, { type: 'log', data: { buildId: 'b-x', lines: hostile } })).status,
    ).toBe(202)
    await s.waitFor((e) => e.event === 'log')
    expect(logsOf(s, 'b-x')).toEqual([{ buildId: 'b-x', offset: 0, lines: hostile }])
    expect(stub.hub.logs.info('b-x')).toEqual({ firstOffset: 0, nextOffset: hostile.length })
    s.close()
  })

  it('sends consecutive ingested log items of one build as a few joined events, in order', async () => {
    running = await startStub()
    const { url } = running
    const s = await openRaw(`${url}/api/stream`)
    const connectionId = await connectionOf(s)
    await follow(url, { connectionId, buildId: 'b-1' })
    const item = (buildId: string, line: string) => ({ type: 'log', data: { buildId, lines: [line] } })
    const items = [
      ...lines(0, 990).map((l) => item('b-1', l)),
      item('b-2', 'other build'),
      item('b-1', 'line 990'),
      { type: 'build', data: makeBuild(1) },
      item('b-1', 'line 991'),
    ]
    expect((await postJson(`${url}/api/events`, items)).status).toBe(202)
    await s.waitFor((e) => e.event === 'log' && json<LogData>(e).offset === 991)
    const chunks = logsOf(s, 'b-1')
    expect(chunks.map((c) => [c.offset, c.lines.length])).toEqual([
      [0, 500],
      [500, 490],
      [990, 1],
      [991, 1],
    ])
    expect(joined(chunks)).toEqual({ offset: 0, lines: lines(0, 992) })
    s.close()
  })

  it('drops the follows of a closed connection', async () => {
    running = await startStub()
    const { url, stub } = running
    const s = await openRaw(`${url}/api/stream`)
    const connectionId = await connectionOf(s)
    await follow(url, { connectionId, buildId: 'b-1' })
    await follow(url, { connectionId, buildId: 'b-2' })
    expect(stub.hub.logs.watcherCount).toBe(2)
    s.close()
    for (let i = 0; i < 100 && stub.hub.logs.watcherCount > 0; i++) await sleep(5)
    expect(stub.hub.logs.watcherCount).toBe(0)
    expect((await follow(url, { connectionId, buildId: 'b-1' })).status).toBe(404)
  })
})
