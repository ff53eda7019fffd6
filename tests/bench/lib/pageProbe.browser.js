// Injected into the page before its own scripts (page.addInitScript). Plain browser
// JavaScript, self-contained: it is sent to the browser as text.
//
// - frames: one rAF timestamp per frame;
// - long animation frames (PerformanceObserver 'long-animation-frame'), over 50 ms;
// - event-to-paint: the EventSource is wrapped to note when each stamped state event
//   (data field `benchAt`, the publish time in epoch ms) arrived; a MutationObserver on the
//   cards notes when its card changed (each card carries `data-updated-at`, so an applied
//   event changes its card even when nothing else on it does); the paint is taken as the end of that frame's
//   rendering: a task posted from inside the frame runs after it, and a change made outside
//   a frame is painted by the next one. Each sample says how its card showed it: changed in
//   place (its element was rendered and its nodes changed) or placed (its element was added:
//   a row mounted, as when a re-sort brings a card into the rendered window, or one Vue moved).
//   A row element that stays and takes another entity (a pipeline's new build, a cell's newer
//   deployment) counts as in place, and so does a card whose rank changed while Vue moved others.
;(() => {
  const now = () => performance.timeOrigin + performance.now()
  const probe = {
    frames: [],
    longFrames: [],
    samples: [],
    pending: new Map(),
    painted: new Map(),
    received: 0,
    firstCardAt: null,
    // Also forgets events whose card was never painted (pruned, or outside the rendered window)
    // and painted cards, so a run's figures start from its own events, and records from before
    // it neither count in a window nor grow the page's heap.
    reset() {
      this.frames = []
      this.longFrames = []
      this.samples = []
      this.pending.clear()
      this.painted.clear()
      this.received = 0
    },
  }
  window.__bench = probe

  let inFrame = false
  const clearFrame = () => (inFrame = false)
  const loop = (ts) => {
    probe.frames.push(ts)
    inFrame = true
    setTimeout(clearFrame, 0)
    requestAnimationFrame(loop)
  }
  requestAnimationFrame(loop)

  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.duration > 50) probe.longFrames.push({ start: entry.startTime, duration: entry.duration })
      }
    }).observe({ type: 'long-animation-frame', buffered: true })
  } catch {
    probe.noLongFrames = true
  }

  const STAMP = '"benchAt":'
  function onState(event) {
    const data = event.data
    const at = data.indexOf(STAMP)
    if (at === -1) return
    const publishedAt = parseFloat(data.slice(at + STAMP.length, at + STAMP.length + 32))
    const id = data.startsWith('{"id":"') ? data.slice(7, data.indexOf('"', 7)) : JSON.parse(data).id
    probe.received++
    const list = probe.pending.get(id)
    const entry = { publishedAt, receivedAt: now() }
    if (list) list.push(entry)
    else probe.pending.set(id, [entry])
  }
  const Native = window.EventSource
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init)
      for (const type of ['build', 'pull_request', 'deployment']) this.addEventListener(type, onState)
    }
  }

  const CARD = '[data-kind][data-id]'
  /** The card a changed node is part of. */
  function cardOf(node, ids) {
    const element = node.nodeType === 1 ? node : node.parentElement
    const card = element && element.closest(CARD)
    if (card) ids.add(card.getAttribute('data-id'))
  }
  /** Cards an added subtree brings (a mounted or moved card). */
  function cardsUnder(node, ids) {
    if (node.nodeType !== 1) return
    if (node.matches(CARD)) ids.add(node.getAttribute('data-id'))
    else for (const inner of node.querySelectorAll(CARD)) ids.add(inner.getAttribute('data-id'))
  }

  function settle(batch) {
    const paintedAt = now()
    const paintedPerf = paintedAt - performance.timeOrigin
    if (probe.firstCardAt === null) probe.firstCardAt = paintedPerf
    for (const [id, entries, placed] of batch) {
      probe.painted.set(id, paintedAt)
      for (const e of entries) {
        probe.samples.push([paintedAt - e.publishedAt, paintedAt - e.receivedAt, paintedPerf, placed ? 1 : 0])
      }
    }
  }

  // One timer per observer callback, not per card: the probe should cost the page little.
  const observer = new MutationObserver((records) => {
    const ids = new Set()
    const placed = new Set()
    let last = null
    for (const record of records) {
      // A card update is several records on the same few nodes: look each target up once in a row.
      if (record.target !== last) cardOf(record.target, ids)
      last = record.target
      for (const added of record.addedNodes) cardsUnder(added, placed)
    }
    for (const id of placed) ids.add(id)
    if (ids.size === 0) return
    const batch = []
    for (const id of ids) {
      batch.push([id, probe.pending.get(id) ?? [], placed.has(id)])
      probe.pending.delete(id)
    }
    const done = () => settle(batch)
    if (inFrame) setTimeout(done, 0)
    else requestAnimationFrame(() => setTimeout(done, 0))
  })
  const start = () =>
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
  if (document.body) start()
  else document.addEventListener('DOMContentLoaded', start)
})()
