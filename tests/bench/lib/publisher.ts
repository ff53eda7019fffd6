import { epochNow, stampedBuild } from './entities'
import type { EventPool } from './eventPool'
import { sleep } from './metrics'
import { ingest } from './stub'

// Pushes the simulator's events through POST /api/events at a steady rate, each stamped with
// its publish time (`benchAt`) and made current (`updatedAt` now, so the page applies it and
// the card moves up where the wall shows it).

const TICK_MS = 10

export interface PublishResult {
  published: number
  /** Epoch ms of the last publish. */
  endedAt: number
}

export class Publisher {
  private readonly templates: { type: string; data: Record<string, unknown> }[]
  private next = 0
  private markers = 0

  constructor(
    private readonly url: string,
    pool: EventPool,
  ) {
    this.templates = pool.events.map((e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }))
  }

  private take(count: number) {
    const at = epochNow()
    const updatedAt = new Date(at).toISOString()
    const items = []
    for (let i = 0; i < count; i++) {
      const template = this.templates[this.next++]
      if (template === undefined) throw new Error(`publisher: the pool's ${this.templates.length} events are used up`)
      items.push({ type: template.type, data: { ...template.data, updatedAt, benchAt: at } })
    }
    return items
  }

  /** `rate` events per second for `seconds`, sent every 10 ms. */
  async run(rate: number, seconds: number): Promise<PublishResult> {
    const started = performance.now()
    let sent = 0
    let endedAt = epochNow()
    const total = Math.round(rate * seconds)
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate))
      if (due > sent) {
        const count = Math.min(1000, due - sent)
        await ingest(this.url, this.take(count))
        sent += count
        endedAt = epochNow()
      }
      await sleep(TICK_MS)
    }
    return { published: sent, endedAt }
  }

  /** A new build in a pipeline of its own: it takes the top of the builds column, so it always paints. */
  async marker(): Promise<{ id: string; publishedAt: number }> {
    const n = 900_000 + this.markers++
    const item = stampedBuild(n, { at: epochNow() })
    item.data.id = `bench-marker-${n}`
    item.data.repo = 'bench/marker'
    await ingest(this.url, [item])
    return { id: item.data.id, publishedAt: item.data.benchAt }
  }
}
