// The dev panel's calls: the same `/api/dev/<command>` endpoints on the stub (npm run dev) and
// in mock mode, where MSW's handlers run them on the in-page simulator.

export interface DevStatus {
  scenario: string
  seed: number
  speed: number
  paused: boolean
  connections: number
  scenarios: string[]
  commands: string[]
}

export interface DevResult {
  ok: boolean
  message: string
  id: string | null
  status: DevStatus | null
}

export const BOARD_ACTIONS = [
  { command: 'fail-build', label: 'Fail a build' },
  { command: 'fix-build', label: 'Fix it' },
  { command: 'open-ready-pr', label: 'Open a ready PR' },
  { command: 'make-blocking', label: 'Make a PR block another' },
  { command: 'start-rollout', label: 'Start a production rollout' },
  { command: 'fail-deployment', label: 'Fail a deployment' },
  { command: 'drop-connection', label: 'Drop the connection' },
  { command: 'malformed-frame', label: 'Send a malformed frame' },
] as const

export const SPEEDS = [0.5, 1, 2, 5, 10, 50] as const

function isStatus(value: unknown): value is DevStatus {
  return typeof value === 'object' && value !== null && typeof (value as DevStatus).scenario === 'string'
}

async function call(command: string, method: 'GET' | 'POST', body?: object): Promise<DevResult> {
  try {
    const response = await fetch(`/api/dev/${command}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    })
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>
    const status = isStatus(json) ? json : isStatus(json.status) ? json.status : null
    const message =
      typeof json.message === 'string'
        ? json.message
        : typeof json.error === 'string'
          ? json.error
          : `HTTP ${response.status}`
    const id = typeof json.id === 'string' ? json.id : null
    return { ok: response.ok, message, id, status }
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error), id: null, status: null }
  }
}

export const fetchDevStatus = () => call('status', 'GET')
export const runDevCommand = (command: string, body?: object) => call(command, 'POST', body)
