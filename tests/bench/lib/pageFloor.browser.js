// The floor's changes, run in the static copy of the wall (lib/pageFloor.ts). Plain browser
// JavaScript, one function expression, sent as text: called with the card-change factory
// (cardChange.browser.js) and { perFrame, seconds }.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- an expression the bench calls, not run here
;async (cardChange, { perFrame, seconds }) => {
  const cards = [...document.querySelectorAll('[data-kind][data-id]')]
  const changeNext = cardChange(cards)
  let longFrames = 0
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.duration > 50) longFrames++
  }).observe({ type: 'long-animation-frame' })
  let frames = 0
  await new Promise((resolve) => {
    const end = performance.now() + seconds * 1000
    function frame() {
      frames++
      for (let k = 0; k < perFrame; k++) changeNext()
      if (performance.now() < end) requestAnimationFrame(frame)
      else resolve()
    }
    requestAnimationFrame(frame)
  })
  return { fps: frames / seconds, longAnimationFrames: longFrames, perFrame, cards: cards.length }
}
