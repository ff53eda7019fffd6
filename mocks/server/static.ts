import { createReadStream, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { sendError } from './http'

// Serves the built page. Unknown non-API paths get index.html (the page routes itself);
// nothing outside the static root is ever read.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** The file a URL path names inside `root`, or null when it would leave the root. */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const base = resolve(root)
  const file = resolve(base, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded))
  return file === base || file.startsWith(base + sep) ? file : null
}

function fileSize(path: string): number | null {
  try {
    const stat = statSync(path)
    return stat.isFile() ? stat.size : null
  } catch {
    return null
  }
}

function cacheControl(pathname: string, file: string): string {
  if (file.endsWith('index.html')) return 'no-cache'
  // Vite puts content-hashed names under /assets/: a changed file gets a new name.
  if (pathname.startsWith('/assets/')) return 'public, max-age=31536000, immutable'
  return 'public, max-age=300'
}

export function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, root: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, 405, `method ${req.method} not allowed`, { Allow: 'GET, HEAD' })
  }
  let file = resolveStaticPath(root, url.pathname)
  if (file === null) return sendError(res, 404, 'not found')
  let size = fileSize(file)
  if (size === null) {
    // Missing hashed assets are real 404s; anything else is a page route.
    if (url.pathname.startsWith('/assets/')) return sendError(res, 404, 'not found')
    file = resolve(root, 'index.html')
    size = fileSize(file)
    if (size === null) return sendError(res, 404, `no page built in ${root} (run npm run build)`)
  }
  res.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Length': size,
    'Cache-Control': cacheControl(url.pathname, file),
    'X-Content-Type-Options': 'nosniff',
  })
  if (req.method === 'HEAD') return void res.end()
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}
