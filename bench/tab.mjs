// `npm run bench tab`: how fast the admins' tab shows its first view, and how big it is.
//
// Starts the built bot in demo mode (its demo campaign gives the charts data), opens the demo host page in headless
// Debian Chromium as the campaign admin, and reads the tab's own mark `passkey-coach:first-view` (ms since the tab's
// navigation began: teams-js initialize, getContext, the SSO token, the API calls and four charts). Baseline, same
// run: the same page opened directly (outside Teams), which loads the same bundle but makes no Teams or API calls.
// Prints one JSON line: medians, p95, the ratio to the baseline, bundle sizes (raw and gzip), and the 1 s target.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { spawnServer, stopServer, waitUntilReady } from './lib/child.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({ options: { runs: { type: 'string', default: '15' }, as: { type: 'string', default: 'admin' } } });
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 3 || runs > 200) {
  process.stderr.write('bench:tab: --runs must be an integer from 3 to 200\n');
  process.exit(2);
}
const TARGET_MS = 1000;
const log = (line) => process.stderr.write(`bench:tab: ${line}\n`);

const assetsDir = path.join(root, 'dist', 'tab', 'assets');
const bundle = { js: { raw: 0, gzip: 0 }, css: { raw: 0, gzip: 0 } };
for (const name of readdirSync(assetsDir)) {
  if (!name.startsWith('tab-')) continue;
  const kind = name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : undefined;
  if (!kind) continue;
  const body = readFileSync(path.join(assetsDir, name));
  bundle[kind].raw += statSync(path.join(assetsDir, name)).size;
  bundle[kind].gzip += gzipSync(body, { level: 9 }).length;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-bench-tab-'));
const server = spawnServer([path.join(root, 'bin', 'passkey-coach.cjs'), 'demo'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' } });
let browser;
try {
  const { port } = await waitUntilReady(server, { timeoutMs: 30_000 });
  const base = `http://127.0.0.1:${port}`;
  // Wait for the demo campaign to have people in it, so the charts have something to draw.
  const token = (await (await fetch(`${base}/tab/demo/session?as=${options.as}`)).json()).token;
  for (let waited = 0; ; waited += 200) {
    const progress = await (await fetch(`${base}/tab/api/progress`, { headers: { authorization: `Bearer ${token}` } })).json();
    if ((progress.funnel?.[1]?.count ?? 0) > 0) break;
    if (waited > 60_000) throw new Error('the demo campaign reached nobody within a minute');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const measure = async (url, inFrame) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient')));
    const page = await context.newPage();
    try {
      await page.goto(url);
      const frame = inFrame ? await (await page.waitForSelector('#tab-frame')).contentFrame() : page.mainFrame();
      await frame.waitForFunction(() => performance.getEntriesByName('passkey-coach:first-view').length > 0, undefined, { timeout: 30_000 });
      return await frame.evaluate(() => ({
        firstView: performance.getEntriesByName('passkey-coach:first-view')[0].startTime,
        firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        charts: document.querySelectorAll('canvas[data-chart]').length,
      }));
    } finally {
      await context.close();
    }
  };
  // One warm-up of each (the server's first API answers, the browser's first process); not counted.
  await measure(`${base}/tab/demo-host/?as=${options.as}`, true);
  await measure(`${base}/tab/`, false);
  const tab = [];
  const baseline = [];
  for (let run = 0; run < runs; run += 1) {
    tab.push(await measure(`${base}/tab/demo-host/?as=${options.as}`, true));
    baseline.push(await measure(`${base}/tab/`, false));
  }
  const firstView = tab.map((sample) => sample.firstView).sort((a, b) => a - b);
  const baselineView = baseline.map((sample) => sample.firstView).sort((a, b) => a - b);
  const fcp = tab.map((sample) => sample.firstContentfulPaint).filter((value) => value !== null).sort((a, b) => a - b);
  const result = {
    benchmark: 'tab',
    runs,
    as: options.as,
    charts: tab[0]?.charts ?? 0,
    first_view_ms: { median: round(median(firstView)), p95: round(percentile(firstView, 0.95)), max: round(firstView.at(-1)) },
    first_contentful_paint_ms: fcp.length > 0 ? round(median(fcp)) : null,
    baseline_outside_teams_ms: { median: round(median(baselineView)) },
    ratio_to_baseline: round(median(firstView) / median(baselineView), 2),
    target_ms: TARGET_MS,
    meets_target: percentile(firstView, 0.95) < TARGET_MS,
    bundle_bytes: bundle,
  };
  log(`first view median ${result.first_view_ms.median} ms, p95 ${result.first_view_ms.p95} ms (baseline ${result.baseline_outside_teams_ms.median} ms)`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser?.close();
  await stopServer(server);
  rmSync(dataDir, { recursive: true, force: true });
}

function median(sorted) {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function round(value, digits = 1) {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
