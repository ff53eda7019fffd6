import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { freePort } from './stub'

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

/** The location blocks `docs/deploy.md` recommends, with the upstream port filled in. */
export function recommendedServerBlock(upstream: string): string {
  return `
    location = /api/stream {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection '';
      proxy_set_header Host $host;
      proxy_buffering off;
      proxy_cache off;
      gzip off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection '';
      proxy_set_header Host $host;
    }`
}

/** What a team writes without reading the docs: nginx's defaults, buffering on, HTTP/1.0 upstream. */
export function stockServerBlock(upstream: string): string {
  return `
    location / {
      proxy_pass ${upstream};
    }`
}

export interface RunningNginx {
  url: string
  pid: number
  stop(): Promise<void>
}

export async function startNginx(serverBlock: string): Promise<RunningNginx> {
  const port = await freePort()
  const prefix = mkdtempSync(join(tmpdir(), 'radiator-nginx-'))
  mkdirSync(join(prefix, 'logs'))
  const conf = `
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  gzip on;
  gzip_types text/event-stream application/json text/css application/javascript;
  server {
    listen 127.0.0.1:${port};
    ${serverBlock}
  }
}`
  writeFileSync(join(prefix, 'nginx.conf'), conf)
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'pipe' })
  let output = ''
  child.stderr?.on('data', (chunk) => (output += chunk))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}`)
    try {
      await fetch(`${url}/api/health`)
      break
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not listen: ${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await once(child, 'exit')
        clearTimeout(timer)
      }
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
