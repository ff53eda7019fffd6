// The streamed floor's page script (lib/streamFloor.ts), run in a static copy of the wall that
// keeps the stub's origin. Plain browser JavaScript, one function expression, sent as text.
// It resolves once the stream says hello and leaves `window.__streamFloor` behind.
//
// Each stamped state event is queued as it arrives; the next animation frame changes one card
// per queued event the way the page floor does (update stamp, one text, the bar), and a task
// posted from inside that frame runs after its rendering: the paint time, as the page's probe
// takes it. No parse, no store, no Vue: what is left is the stream, the wait for a frame and
// the browser's rendering of the changes.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- an expression the bench calls, not run here
;() =>
  new Promise((resolve) => {
    const cards = [...document.querySelectorAll('[data-kind][data-id]')]
    const texts = cards.map((card) => [...card.querySelectorAll('bdi')].map((bdi) => bdi.textContent ?? ''))
    const state = { samples: [], frames: 0, received: 0, longFrames: 0 }
    let queue = []
    let next = 0
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.duration > 50) state.longFrames++
    }).observe({ type: 'long-animation-frame' })
    function change(card) {
      const n = next++
      card.dataset.updatedAt = new Date().toISOString()
      const own = card.querySelectorAll('bdi')
      const source = texts[(n * 7919) % texts.length]
      if (own.length > 0 && source.length > 0) own[n % own.length].textContent = source[n % source.length]
      const bar = card.querySelector('.bar')
      if (bar) bar.style.transform = `scaleX(${((n * 37) % 100) / 100})`
    }
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
        for (let k = 0; k < batch.length; k++) change(cards[(next * 104_729) % cards.length])
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
