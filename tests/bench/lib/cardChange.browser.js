// What one event does to its card in the floors (pageFloor.browser.js, streamFloor.browser.js),
// one definition so that the two floors change cards alike. Plain browser JavaScript, one function
// expression, sent as text: called with the cards, it returns `changeNext()`, which picks the next
// card (spread over the wall) and sets its update stamp, one of its texts (another card's, so
// lengths vary as real ones do) and its progress bar.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- an expression the bench calls, not run here
;(cards) => {
  const texts = cards.map((card) => [...card.querySelectorAll('bdi')].map((bdi) => bdi.textContent ?? ''))
  let next = 0
  return () => {
    const n = next++
    const card = cards[(n * 104_729) % cards.length]
    card.dataset.updatedAt = new Date().toISOString()
    const own = card.querySelectorAll('bdi')
    const source = texts[(n * 7919) % texts.length]
    if (own.length > 0 && source.length > 0) own[n % own.length].textContent = source[n % source.length]
    const bar = card.querySelector('.bar')
    if (bar) bar.style.transform = `scaleX(${((n * 37) % 100) / 100})`
  }
}
