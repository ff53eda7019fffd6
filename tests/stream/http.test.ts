import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolveStaticPath } from '../../mocks/server/static'
import { makeBuild, openRaw, startStub, type RunningStub } from './helpers'

let running: RunningStub | null = null
afterEach(async () => {
  await running?.close()
  running = null
})

let root = ''
beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'radiator-static-'))
  root = join(base, 'dist')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Radiator</title>')
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}')
  writeFileSync(join(base, 'secret.txt'), 'do not serve')
})
afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }))

/** Raw GET so the path reaches the server exactly as written (fetch would normalise ../). */
function rawGet(
  port: number,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('health', () => {
  it('reports status, epoch, head, connections, uptime and version', async () => {
    running = await startStub({ staticDir: root })
    const { url, stub } = running
    stub.hub.publish('build', makeBuild(1))
    const s = await openRaw(`${url}/api/stream`)
    await s.waitFor((e) => e.event === 'snapshot')
    const res = await fetch(`${url}/api/health`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      status: 'ok',
      epoch: stub.hub.epoch,
      head: `${stub.hub.epoch}-1`,
      connections: 1,
      uptimeS: expect.any(Number),
      version: expect.stringMatching(/^\d+\.\d+\.\d+\+[0-9a-f]{8}$/),
    })
    s.close()
  })
})

describe('static files', () => {
  it('serves files with their content types and cache headers, index.html for unknown page paths', async () => {
    running = await startStub({ staticDir: root })
    const { url } = running
    const js = await fetch(`${url}/assets/index-abc123.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const css = await fetch(`${url}/assets/index-abc123.css`)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    for (const path of ['/', '/index.html', '/builds/some/route']) {
      const page = await fetch(`${url}${path}`)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(page.headers.get('cache-control')).toBe('no-cache')
      expect(await page.text()).toContain('<title>Radiator</title>')
    }
    expect((await fetch(`${url}/assets/missing-123.js`)).status).toBe(404)
  })

  it('answers unknown /api/ paths with 404 JSON, not the page', async () => {
    running = await startStub({ staticDir: root })
    const res = await fetch(`${running.url}/api/nope`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toEqual({ error: expect.any(String) })
  })

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%00',
  ])('never serves a file outside the root for %s', async (path) => {
    running = await startStub({ staticDir: root })
    const res = await rawGet(running.port, path)
    expect(res.body).not.toContain('do not serve')
  })

  it('resolves paths inside the root only', () => {
    expect(resolveStaticPath('/srv/dist', '/a/b.js')).toBe('/srv/dist/a/b.js')
    expect(resolveStaticPath('/srv/dist', '/a/../b.js')).toBe('/srv/dist/b.js')
    expect(resolveStaticPath('/srv/dist', '/../etc/passwd')).toBeNull()
    expect(resolveStaticPath('/srv/dist', '/%2e%2e/%2e%2e/etc/passwd')).toBeNull()
    expect(resolveStaticPath('/srv/dist', '/a/%2e%2e%2f%2e%2e%2f..%2fetc')).toBeNull()
    expect(resolveStaticPath('/srv/dist', '/../dist-other/x')).toBeNull()
    expect(resolveStaticPath('/srv/dist', '/%E0%A4%A')).toBeNull()
  })
})

describe('CORS', () => {
  it('sends no CORS headers when CORS_ORIGINS is unset', async () => {
    running = await startStub()
    const res = await fetch(`${running.url}/api/health`, { headers: { Origin: 'https://elsewhere.example' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await fetch(`${running.url}/api/follow`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'POST' },
    })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers listed origins, including on the stream and the preflight, and ignores others', async () => {
    running = await startStub({ corsOrigins: ['https://wall.example', 'https://dev.example'] })
    const { url } = running
    const ok = await fetch(`${url}/api/health`, { headers: { Origin: 'https://wall.example' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://wall.example')
    expect(ok.headers.get('vary')).toBe('Origin')
    const other = await fetch(`${url}/api/health`, { headers: { Origin: 'https://evil.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    const stream = await openRaw(`${url}/api/stream`, { Origin: 'https://dev.example' })
    expect(stream.headers['access-control-allow-origin']).toBe('https://dev.example')
    stream.close()
    const preflight = await fetch(`${url}/api/follow`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://wall.example', 'Access-Control-Request-Method': 'POST' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://wall.example')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Content-Type')
  })
})

describe('close', () => {
  it('ends open streams with reconnect (shutdown) and closes the server', async () => {
    running = await startStub()
    const { url, stub } = running
    const s = await openRaw(`${url}/api/stream`)
    await s.waitFor((e) => e.event === 'snapshot')
    await stub.close()
    const last = await s.waitFor((e) => e.event === 'reconnect')
    expect(JSON.parse(last.data)).toEqual({ reason: 'shutdown' })
    await s.waitForEnd()
    expect(stub.server.listening).toBe(false)
    expect(stub.timers.active).toBe(0)
  })
})

describe('fault switches', () => {
  it('answers the API with 503 while unavailable, health still 200, streams again after', async () => {
    running = await startStub()
    const { url, stub } = running
    stub.setUnavailable(60_000)
    const down = await fetch(`${url}/api/stream`)
    expect(down.status).toBe(503)
    expect(down.headers.get('retry-after')).toBe('60')
    await down.body?.cancel()
    expect((await fetch(`${url}/api/health`)).status).toBe(200)
    stub.setUnavailable(0)
    const s = await openRaw(`${url}/api/stream`)
    expect(s.status).toBe(200)
    await s.waitFor((e) => e.event === 'snapshot')
    stub.dropAllStreams('drill')
    const last = await s.waitFor((e) => e.event === 'reconnect')
    expect(JSON.parse(last.data)).toEqual({ reason: 'drill' })
    await s.waitForEnd()
  })
})
