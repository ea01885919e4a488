// Lighthouse (mobile preset, the default) and pa11y (HTML_CodeSniffer, WCAG2AA) over pages served by
// deploy/nginx.conf, in Debian's Chromium. Usage:
//   node bench/lighthouse.mjs HTTPS_PORT OUT.json URL... [-- PA11Y_ONLY_URL...]
// Lighthouse (slow, about 12 s a page) runs on the URLs before `--`, pa11y (about 2 s) on all of
// them; a pa11y-only URL's result has no `lighthouse` key. URLs are https://www.example.gov/... ;
// Chromium resolves that host to 127.0.0.1:HTTPS_PORT, so canonical links, HSTS and the CSP are
// exactly the site's. tests/browser/test_lighthouse.py runs it.
import fs from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import pa11y from 'pa11y';

const [port, out, ...args] = process.argv.slice(2);
const split = args.includes('--') ? args.indexOf('--') : args.length;
const urls = args.slice(0, split);
const pa11yUrls = [...urls, ...args.slice(split + 1)];
const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const flags = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  '--ignore-certificate-errors', `--host-resolver-rules=MAP www.example.gov:443 127.0.0.1:${port}`,
];
const results = {};
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: flags });
try {
  for (const url of urls) {
    const run = await lighthouse(url, {
      port: chrome.port, output: 'json', logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    });
    const lhr = run.lhr;
    const failing = Object.values(lhr.audits)
      .filter(a => a.score !== null && a.score < 1 && !['informative', 'notApplicable', 'manual'].includes(a.scoreDisplayMode))
      .map(a => `${a.id} ${a.score} ${a.displayValue || ''}`.trim());
    results[url] = {
      lighthouse: Object.fromEntries(Object.entries(lhr.categories).map(([k, v]) => [k, v.score])),
      runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null,
      failing,
    };
  }
} finally {
  await chrome.kill();
}
for (const url of pa11yUrls) {
  const report = await pa11y(url, {
    runners: ['htmlcs'], standard: 'WCAG2AA', includeWarnings: true, timeout: 60000,
    // A search with a query is judged with its results shown, not before they arrive.
    actions: new URL(url).searchParams.has('q') ? ['wait for element #search-results li to be visible'] : [],
    chromeLaunchConfig: { executablePath: chromePath, args: flags, ignoreHTTPSErrors: true },
  });
  const issues = report.issues.map(i => `${i.type} ${i.code}: ${i.message} [${i.selector}]`);
  results[url] = {
    ...results[url],
    pa11y: {
      errors: issues.filter(i => i.startsWith('error')),
      warnings: issues.filter(i => i.startsWith('warning')),
      // The same warnings as data, for the test's reviewed allow-list (code and selector).
      warningIssues: report.issues.filter(i => i.type === 'warning')
        .map(i => ({ code: i.code, selector: i.selector, message: i.message })),
    },
  };
}
fs.writeFileSync(out, JSON.stringify(results, null, 2));
