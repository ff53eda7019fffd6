// The streamed floor's page script (lib/streamFloor.ts), run in a static copy of the wall that
// keeps the stub's origin. Plain browser JavaScript, one function expression, sent as text.
// Called with the card-change factory (cardChange.browser.js); it resolves once the stream says
// hello and leaves `window.__streamFloor` behind.
//
// Each stamped state event is queued as it arrives; the next animation frame changes one card
// per queued event the way the page floor does, and a task posted from inside that frame runs
// after its rendering: the paint time, as the page's probe takes it. No parse, no store, no
// Vue: what is left is the stream, the wait for a frame and the browser's rendering of the
// changes.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- an expression the bench calls, not run here
;(cardChange) =>
  new Promise((resolve) => {
    const cards = [...document.querySelectorAll('[data-kind][data-id]')]
    const changeNext = cardChange(cards)
    const state = { samples: [], frames: 0, received: 0, longFrames: 0 }
    let queue = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.duration > 50) state.longFrames++
    }).observe({ type: 'long-animation-frame' })
    const STAMP = '"benchAt":'
    function onState(event) {
      const data = event.data
      const at = data.indexOf(STAMP)
      if (at === -1) return
      state.received++
      queue.push(parseFloat(data.slice(at + STAMP.length, at + STAMP.length + 32)))
    }
    function frame() {
      state.frames++
      if (queue.length > 0) {
        const batch = queue
        queue = []
        for (let k = 0; k < batch.length; k++) changeNext()
        setTimeout(() => {
          const paintedAt = performance.timeOrigin + performance.now()
          for (const publishedAt of batch) state.samples.push(paintedAt - publishedAt)
        }, 0)
      }
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
    const source = new EventSource('/api/stream')
    for (const type of ['build', 'pull_request', 'deployment']) source.addEventListener(type, onState)
    source.addEventListener('hello', () => resolve(cards.length), { once: true })
    window.__streamFloor = {
      state,
      source,
      reset() {
        state.samples = []
        state.frames = 0
        state.received = 0
        state.longFrames = 0
      },
    }
  })
