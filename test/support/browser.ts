// Headless Debian Chromium driven by playwright-core, for the tab's browser tests. Nothing leaves loopback: every
// request to another host is refused (and listed, so a test can assert there were none besides teams-js's own
// attempt to refresh its list of Teams domains from a CDN).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface HostedTab {
  page: Page;
  /** The tab's own document, inside the host's iframe. */
  tab: Frame;
  context: BrowserContext;
  /** Requests refused because they were not to 127.0.0.1. */
  outside: string[];
  close(): Promise<void>;
}

/** Opens the demo host as a persona and theme, and waits until the tab has drawn its first view. */
export async function openTab(browser: Browser, baseUrl: string, options: { as: string; theme?: 'default' | 'dark' | 'contrast'; view?: string }): Promise<HostedTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    outside.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/tab/demo-host/?as=${options.as}&theme=${options.theme ?? 'default'}`);
  const handle = await page.waitForSelector('#tab-frame');
  await page.waitForFunction(() => (document.getElementById('tab-frame') as HTMLIFrameElement | null)?.src.includes('/tab/'));
  const tab = await (await handle.contentFrame())!;
  await tab.waitForSelector('main[aria-busy="false"]', { timeout: 15_000 });
  await tab.waitForFunction(() => !document.querySelector('#view[aria-busy="true"]'), undefined, { timeout: 15_000 });
  if (options.view) await showView(tab, options.view);
  return { page, tab, context, outside, close: () => context.close() };
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
