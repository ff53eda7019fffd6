import { EventSource } from 'eventsource'
import { afterEach, describe, expect, it } from 'vitest'
import { makeBuild, seqOf, startStub, type RunningStub } from './helpers'

let running: RunningStub | null = null
let source: EventSource | null = null
afterEach(async () => {
  source?.close()
  source = null
  await running?.close()
  running = null
})

describe('a real EventSource client', () => {
  it('resumes after each recycle with Last-Event-ID and sees every state event exactly once', async () => {
    running = await startStub({ recycleMs: 300, retryMs: 20, heartbeatMs: 60_000 })
    const { url, stub } = running
    const hellos: { replayed: boolean }[] = []
    const seqs: number[] = []
    const reconnects: string[] = []
    let snapshots = 0
    let snapshotSeq = -1
    source = new EventSource(`${url}/api/stream`)
    source.addEventListener('hello', (e) => hellos.push(JSON.parse(e.data) as { replayed: boolean }))
    source.addEventListener('snapshot', (e) => {
      snapshots++
      snapshotSeq = seqOf(e.lastEventId)
    })
    source.addEventListener('build', (e) => seqs.push(seqOf(e.lastEventId)))
    source.addEventListener('reconnect', (e) => reconnects.push((JSON.parse(e.data) as { reason: string }).reason))

    let n = 0
    const publisher = setInterval(() => stub.hub.publish('build', makeBuild(++n % 9)), 3)
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`only ${hellos.length} connections`)), 8000)
      const check = setInterval(() => {
        if (hellos.length >= 4) {
          clearInterval(check)
          clearTimeout(deadline)
          resolve()
        }
      }, 10)
    })
    clearInterval(publisher)
    const head = stub.hub.head
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (seqs.at(-1) === head) {
          clearInterval(check)
          resolve()
        }
      }, 5)
    })
    expect(snapshots).toBe(1)
    expect(hellos[0]!.replayed).toBe(false)
    expect(hellos.slice(1).every((h) => h.replayed)).toBe(true)
    expect(reconnects.length).toBeGreaterThanOrEqual(3)
    expect(reconnects.every((r) => r === 'recycle')).toBe(true)
    expect(seqs).toEqual(Array.from({ length: head - snapshotSeq }, (_, i) => snapshotSeq + 1 + i))
  })
})
