import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { freePort } from './stub'

// `npm run dev:mock` as the developer runs it, on a free port: msw init, then Vite in mock
// mode. Started in its own process group (npm -> sh -> vite), stopped by that group's id.

export interface RunningDevServer {
  url: string
  pid: number
  output(): string
  stop(): Promise<void>
}

export async function startDevServer(
  script: 'dev:mock' | 'dev',
  env: Record<string, string> = {},
): Promise<RunningDevServer> {
  const port = await freePort()
  const child: ChildProcess = spawn('npm', ['run', script, '--', '--port', String(port), '--strictPort'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    process.kill(-child.pid!, 'SIGTERM')
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000)
    await once(child, 'exit')
    clearTimeout(timer)
  }
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${output}`)
    try {
      if ((await fetch(`${url}/`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`${script} did not serve the page in 60 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { url, pid: child.pid!, output: () => output, stop }
}
