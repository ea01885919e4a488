// Lighthouse (mobile preset, the default) and pa11y (HTML_CodeSniffer, WCAG2AA) over pages served by
// deploy/nginx.conf, in Debian's Chromium. Usage:
//   node bench/lighthouse.mjs HTTPS_PORT OUT.json URL...
// URLs are https://www.example.gov/... ; Chromium resolves that host to 127.0.0.1:HTTPS_PORT, so
// canonical links, HSTS and the CSP are exactly the site's. tests/browser/test_lighthouse.py runs it.
import fs from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import pa11y from 'pa11y';

const [port, out, ...urls] = process.argv.slice(2);
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
for (const url of urls) {
  const report = await pa11y(url, {
    runners: ['htmlcs'], standard: 'WCAG2AA', includeWarnings: true, timeout: 60000,
    chromeLaunchConfig: { executablePath: chromePath, args: flags, ignoreHTTPSErrors: true },
  });
  const issues = report.issues.map(i => `${i.type} ${i.code}: ${i.message} [${i.selector}]`);
  results[url].pa11y = {
    errors: issues.filter(i => i.startsWith('error')),
    warnings: issues.filter(i => i.startsWith('warning')),
  };
}
fs.writeFileSync(out, JSON.stringify(results, null, 2));
