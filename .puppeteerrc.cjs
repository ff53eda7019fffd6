// memlab (the page soak's heap analysis, a dev dependency) brings puppeteer, whose install would
// download a Chrome of its own; memlab here only reads heap snapshots, and the benches drive
// Debian's Chromium through Playwright.
module.exports = { skipDownload: true }
