// pa11y (via puppeteer) drives the system Chromium (/usr/bin/chromium, CHROME_PATH): never download one.
// `npm ci` would otherwise fetch Chrome from Google storage, which offline build machines cannot reach.
module.exports = { skipDownload: true };
