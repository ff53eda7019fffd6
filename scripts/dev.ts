// `npm run dev`: the stub and Vite's dev server in one command; one Ctrl-C stops both.
import { spawn, type ChildProcess } from 'node:child_process'

const stubPort = process.env.STUB_PORT ?? '8081'
const children: ChildProcess[] = []

function run(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${args.join(' ')} exited (${signal ?? code}); stopping the rest`)
      stop(code ?? 1)
    }
  })
  children.push(child)
  return child
}

let stopping = false
function stop(code = 0): void {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  setTimeout(() => process.exit(code), 3000).unref()
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : null))).then(() =>
    process.exit(code),
  )
}

process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

run(process.execPath, ['--import', 'tsx', 'mocks/server/main.ts'], { PORT: stubPort })
run(process.execPath, ['node_modules/vite/bin/vite.js', ...process.argv.slice(2)], { STUB_PORT: stubPort })
