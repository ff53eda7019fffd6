import type { IncomingMessage, ServerResponse } from 'node:http'

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(text)
}

export function sendError(
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error }, headers)
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204, { 'Cache-Control': 'no-store' })
  res.end()
}

export function isJsonContentType(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)
}

export type BodyResult = { ok: true; text: string } | { ok: false; status: 413 | 400; error: string }

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading at once (nothing
 * more is buffered) and the caller answers 413 on a connection that then closes.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      resolve({ ok: false, status: 413, error: `body is larger than ${limit} bytes` })
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (result: BodyResult) => {
      if (done) return
      done = true
      req.off('data', onData)
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        chunks.length = 0
        req.pause()
        finish({ ok: false, status: 413, error: `body is larger than ${limit} bytes` })
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }))
    req.on('error', () => finish({ ok: false, status: 400, error: 'body could not be read' }))
  })
}

/**
 * Answers 413 and closes the connection. The unread rest of the body is discarded, never
 * stored (so the client sees the answer instead of a broken pipe), up to a bound of bytes and time.
 */
export function rejectTooLarge(req: IncomingMessage, res: ServerResponse, error: string): void {
  sendError(res, 413, error, { Connection: 'close' })
  let discarded = 0
  const cut = () => req.socket.destroy()
  const timer = setTimeout(cut, 5000)
  timer.unref()
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > 16 * 1024 * 1024) cut()
  })
  req.on('close', () => clearTimeout(timer))
  req.resume()
}
