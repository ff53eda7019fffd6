import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import {
  json,
  makeBuild,
  makeDeployment,
  makePullRequest,
  openRaw,
  postJson,
  startStub,
  type RunningStub,
} from './helpers'

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

describe('POST /api/events', () => {
  it('accepts one event or an array with 202, accepted and lastId, and streams them', async () => {
    running = await startStub()
    const { url, stub } = running
    const s = await openRaw(`${url}/api/stream`)
    await s.waitFor((e) => e.event === 'snapshot')
    const one = await postJson(`${url}/api/events`, { type: 'build', data: makeBuild(1) })
    expect(one.status).toBe(202)
    expect(one.body).toEqual({ accepted: 1, lastId: `${stub.hub.epoch}-1` })
    const many = await postJson(`${url}/api/events`, [
      { type: 'pull_request', data: makePullRequest(1) },
      { type: 'deployment', data: makeDeployment(1) },
      { type: 'log', data: { buildId: 'b-1', lines: ['hello'] } },
    ])
    expect(many.status).toBe(202)
    expect(many.body).toEqual({ accepted: 3, lastId: `${stub.hub.epoch}-3` })
    await s.waitFor((e) => e.id === `${stub.hub.epoch}-3`)
    expect(s.events.slice(2).map((e) => e.event)).toEqual(['build', 'pull_request', 'deployment'])
    expect(stub.hub.logs.info('b-1')).toEqual({ firstOffset: 0, nextOffset: 1 })
    s.close()
  })

  it('rejects a whole array with 400 naming the field when one item is bad, and applies nothing', async () => {
    running = await startStub()
    const { url, stub } = running
    const bad = makeBuild(2) as Record<string, unknown>
    bad.commit = { sha: 42, message: 'm', author: 'a' }
    const res = await postJson(`${url}/api/events`, [
      { type: 'build', data: makeBuild(1) },
      { type: 'log', data: { buildId: 'b-1', lines: ['x'] } },
      { type: 'build', data: bad },
    ])
    expect(res.status).toBe(400)
    expect(String(res.body?.error)).toMatch(/^\[2\]\.data\.commit\.sha: /)
    expect(stub.hub.head).toBe(0)
    expect(stub.hub.state().builds).toEqual([])
    expect(stub.hub.logs.info('b-1')).toBeNull()
  })

  it('names an unknown type and a bad status', async () => {
    running = await startStub()
    const { url } = running
    const unknown = await postJson(`${url}/api/events`, { type: 'commit', data: {} })
    expect(unknown.status).toBe(400)
    expect(String(unknown.body?.error)).toContain('type')
    const status = await postJson(`${url}/api/events`, {
      type: 'build',
      data: makeBuild(1, { status: 'exploded' as never }),
    })
    expect(status.status).toBe(400)
    expect(String(status.body?.error)).toMatch(/^data\.status: /)
  })

  it('refuses more than 1,000 items and an empty array with 400', async () => {
    running = await startStub()
    const { url, stub } = running
    const items = Array.from({ length: 1001 }, (_, i) => ({ type: 'log', data: { buildId: 'b', lines: [`${i}`] } }))
    const res = await postJson(`${url}/api/events`, items)
    expect(res.status).toBe(400)
    expect(String(res.body?.error)).toContain('1000')
    expect((await postJson(`${url}/api/events`, [])).status).toBe(400)
    expect(stub.hub.logs.info('b')).toBeNull()
  })

  it('answers invalid JSON with 400, a non-JSON content type with 415', async () => {
    running = await startStub()
    const { url } = running
    const invalid = await postJson(`${url}/api/events`, '{"type": "build", ')
    expect(invalid.status).toBe(400)
    expect(invalid.body).toEqual({ error: expect.stringContaining('JSON') })
    const text = await fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    })
    expect(text.status).toBe(415)
    expect(await text.json()).toEqual({ error: expect.any(String) })
  })

  it('answers a body over 1 MiB with 413 and applies nothing', async () => {
    running = await startStub()
    const { url, stub } = running
    const lines = Array.from({ length: 9000 }, () => 'y'.repeat(120))
    const res = await postJson(`${url}/api/events`, { type: 'log', data: { buildId: 'big', lines } })
    expect(res.status).toBe(413)
    expect(stub.hub.logs.info('big')).toBeNull()
  })

  it('answers 413 to a chunked body that grows past 1 MiB without reading it all', async () => {
    running = await startStub()
    const { port } = running
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/events',
          headers: { 'Content-Type': 'application/json' },
        },
        (res) => {
          resolve(res.statusCode ?? 0)
          res.resume()
        },
      )
      req.on('error', reject)
      const chunk = 'z'.repeat(64 * 1024)
      let sent = 0
      const pump = () => {
        // far more than the limit, unless the server stops us first
        while (sent < 64 && req.write(chunk)) sent++
        if (sent < 64) req.once('drain', pump)
      }
      req.write('[')
      pump()
    })
    expect(status).toBe(413)
  })

  it('requires the Bearer token when INGEST_TOKEN is set', async () => {
    running = await startStub({ ingestToken: 's3cret' })
    const { url, stub } = running
    const item = { type: 'build', data: makeBuild(1) }
    expect((await postJson(`${url}/api/events`, item)).status).toBe(401)
    expect((await postJson(`${url}/api/events`, item, { Authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await postJson(`${url}/api/events`, item, { Authorization: 'Bearer s3cret-longer' })).status).toBe(401)
    expect((await postJson(`${url}/api/events`, item, { Authorization: 's3cret' })).status).toBe(401)
    expect(stub.hub.head).toBe(0)
    const ok = await postJson(`${url}/api/events`, item, { Authorization: 'Bearer s3cret' })
    expect(ok.status).toBe(202)
  })

  it('carries newlines, CR, NUL, multi-byte characters and markup byte-exact through the stream', async () => {
    running = await startStub()
    const { url } = running
    const s = await openRaw(`${url}/api/stream`)
    await s.waitFor((e) => e.event === 'snapshot')
    const hostile =
      'line1\nline2\r\nline3\rnul\u0000end <script>alert("x")</script> &amp; 🚀 ünïcödé 中文 \u2028\u2029 data: id: event: x\n\n'
    const build = makeBuild(1, {
      commit: { sha: 'abc', message: hostile, author: '<img src=x onerror=alert(1)>' },
      branch: hostile,
    })
    expect((await postJson(`${url}/api/events`, { type: 'build', data: build })).status).toBe(202)
    const got = await s.waitFor((e) => e.event === 'build')
    expect(json(got)).toEqual(build)
    expect(got.data).toBe(JSON.stringify(build))
    s.close()
  })
})
