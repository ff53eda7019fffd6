// The floor's changes, run in the static copy of the wall (lib/pageFloor.ts). Plain browser
// JavaScript, one function expression, sent as text: called with { perFrame, seconds }.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- an expression the bench calls, not run here
;async ({ perFrame, seconds }) => {
  const cards = [...document.querySelectorAll('[data-kind][data-id]')]
  const texts = cards.map((card) => [...card.querySelectorAll('bdi')].map((bdi) => bdi.textContent ?? ''))
  let longFrames = 0
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.duration > 50) longFrames++
  }).observe({ type: 'long-animation-frame' })
  let frames = 0
  let next = 0
  // An event's change to its card: the update stamp, one text (another card's, so lengths vary as real ones do), the bar.
  function change(card) {
    const n = next++
    card.dataset.updatedAt = new Date().toISOString()
    const own = card.querySelectorAll('bdi')
    const source = texts[(n * 7919) % texts.length]
    if (own.length > 0 && source.length > 0) own[n % own.length].textContent = source[n % source.length]
    const bar = card.querySelector('.bar')
    if (bar) bar.style.transform = `scaleX(${((n * 37) % 100) / 100})`
  }
  await new Promise((resolve) => {
    const end = performance.now() + seconds * 1000
    function frame() {
      frames++
      for (let k = 0; k < perFrame; k++) change(cards[(next * 104_729) % cards.length])
      if (performance.now() < end) requestAnimationFrame(frame)
      else resolve()
    }
    requestAnimationFrame(frame)
  })
  return { fps: frames / seconds, longAnimationFrames: longFrames, perFrame, cards: cards.length }
}
