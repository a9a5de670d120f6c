// Headless Debian Chromium driven by playwright-core, for the tab's browser tests. Nothing leaves loopback: teams-js's
// fetch of its Teams domain list from its CDN is answered here with the list it ships (what the CDN serves), every
// other request to another host is refused, and both are listed, so a test can assert what the page tried to reach.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';
import { packageRoot } from '../../src/shared/package-root.js';

const TEAMS_JS = path.join(packageRoot(), 'node_modules', '@microsoft', 'teams-js', 'dist', 'esm', 'packages', 'teams-js', 'src');

/** Where teams-js fetches its list of valid Teams domains from, and the list it carries for when it cannot. */
export async function teamsJsDomainList(): Promise<{ url: string; body: string }> {
  const constants = readFileSync(path.join(TEAMS_JS, 'internal', 'constants.js'), 'utf8');
  const url = /new URL\("(https:\/\/[^"]+validDomains[^"]*)"\)/.exec(constants)?.[1];
  if (!url) throw new Error('teams-js no longer names a validDomains URL in internal/constants.js');
  const bundled = (await import(pathToFileURL(path.join(TEAMS_JS, 'artifactsForCDN', 'validDomains.json.js')).href)) as { default: { validOrigins: string[] } };
  return { url, body: JSON.stringify(bundled.default) };
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface HostedTab {
  page: Page;
  /** The tab's own document, inside the host's iframe. */
  tab: Frame;
  context: BrowserContext;
  /** Requests that were not to 127.0.0.1 (teams-js's domain list answered, everything else refused). */
  outside: string[];
  /** What the host page and the tab logged as errors in the console, and uncaught exceptions. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Opens the demo host as a persona and theme (and Teams locale, e.g. de-DE), and waits until the tab has drawn its first view. */
export async function openTab(browser: Browser, baseUrl: string, options: { as: string; theme?: 'default' | 'dark' | 'contrast'; view?: string; locale?: string }): Promise<HostedTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
  const outside: string[] = [];
  const domainList = await teamsJsDomainList();
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    outside.push(url.href);
    if (url.href === domainList.url) return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: domainList.body });
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.location().url}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await page.goto(`${baseUrl}/tab/demo-host/?as=${options.as}&theme=${options.theme ?? 'default'}${options.locale ? `&locale=${encodeURIComponent(options.locale)}` : ''}`);
  const handle = await page.waitForSelector('#tab-frame');
  await page.waitForFunction(() => (document.getElementById('tab-frame') as HTMLIFrameElement | null)?.src.includes('/tab/'));
  const tab = await (await handle.contentFrame())!;
  await tab.waitForSelector('main[aria-busy="false"]', { timeout: 15_000 });
  await tab.waitForFunction(() => !document.querySelector('#view[aria-busy="true"]'), undefined, { timeout: 15_000 });
  if (options.view) await showView(tab, options.view);
  return { page, tab, context, outside, consoleErrors, close: () => context.close() };
}

/** Clicks a view's tab and waits for it to be drawn. */
export async function showView(tab: Frame, view: string): Promise<void> {
  await tab.click(`[data-view="${view}"]`);
  await tab.waitForFunction((id) => document.querySelector(`[data-view="${id}"]`)?.getAttribute('aria-selected') === 'true' && document.querySelector('#view')?.getAttribute('aria-busy') === 'false', view, { timeout: 15_000 });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.1 A and AA rules) in the frame; evaluated through the DevTools protocol, so the page's CSP stays on. */
export async function axeViolations(frame: Frame): Promise<AxeViolation[]> {
  await frame.evaluate(`${axeSource};0`);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })) }));
  });
}
