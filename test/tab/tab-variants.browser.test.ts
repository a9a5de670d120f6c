// A campaign comparing invitation texts in the tab's progress view, in headless Chromium inside the demo host: a row per
// text with the figures the API gives (the same as the status card's), the plain verdict the server words, and all of
// it in the reader's language.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/shared/package-root.js';
import { Strings } from '../../src/shared/strings.js';
import type { Progress } from '../../src/tab/api-contract.js';
import { launchChromium, openTab } from '../support/browser.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { outboxDrained, until } from '../support/waiting.js';

const { bot, demo, chat } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { inMemory: true });
const strings = new Strings();
let browser: Browser;
const tabWords = (locale: string) => JSON.parse(readFileSync(path.join(packageRoot(), 'strings', locale, 'tab.json'), 'utf8')) as { progress: { variants: Record<string, string> } };

beforeAll(async () => {
  browser = await launchChromium();
  const admin = chat.person(demo().seed.personas?.admin ?? '');
  const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await chat.click(admin, 'campaign.start', { name: 'Two texts', deadline, waves: 1, variants: 'standard,convenience' }, { locale: 'en-US' });
  await until(async () => (await bot().service.features.campaigns.records.active())?.value.state === 'running');
  await until(async () => outboxDrained(bot().service.features));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function apiProgress(locale: string): Promise<Progress> {
  const admin = demo().seed.personas?.admin ?? '';
  const { token } = (await (await fetch(`${bot().url}/tab/demo/session?as=${admin}`)).json()) as { token: string };
  return (await (await fetch(`${bot().url}/tab/api/progress`, { headers: { authorization: `Bearer ${token}`, 'accept-language': locale } })).json()) as Progress;
}

/** The variants table: its header cells and each row's cells. */
async function variantTable(tab: Frame, caption: string): Promise<{ headers: string[]; rows: string[][] }> {
  const table = tab.locator('table', { has: tab.locator('caption', { hasText: caption }) });
  return {
    headers: await table.locator('th').allTextContents(),
    rows: await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''))),
  };
}

describe('invitation texts in the progress view', () => {
  it.each(['en', 'de'])('shows each text’s figures as the API gives them, and the verdict, in %s', async (locale) => {
    const api = await apiProgress(locale);
    const comparison = api.variants;
    if (!comparison) throw new Error('the API shows no comparison');
    expect(comparison.rows.map((row) => row.id)).toEqual(['standard', 'convenience']);
    expect(comparison.rows.map((row) => row.label)).toEqual(['standard', 'convenience'].map((id) => strings.text(locale, `campaigns.variants.${id}.label`)));
    // Everyone was reached just now: nobody's week is over, which the verdict says plainly.
    expect(comparison.verdict).toBe(strings.text(locale, 'campaigns.report.variants.tooFew', { min: 30, variant: comparison.rows[0]?.label ?? '', count: 0 }));
    const hosted = await openTab(browser, bot().url, { as: 'admin', view: 'progress', locale: locale === 'de' ? 'de-DE' : 'en-GB' });
    try {
      const { tab } = hosted;
      const words = tabWords(locale);
      const caption = words.progress.variants.title ?? '';
      await tab.waitForSelector('[data-verdict]');
      const { headers, rows } = await variantTable(tab, caption);
      expect(headers[0]).toBe(words.progress.variants.variant);
      expect(rows.map((row) => row[0])).toEqual(comparison.rows.map((row) => row.label));
      expect(rows.map((row) => [row[1], row[2], row[3]].map(Number))).toEqual(comparison.rows.map((row) => [row.assigned, row.reached, row.weekOver]));
      expect(rows.map((row) => row[5])).toEqual(comparison.rows.map(() => `0 · ${words.progress.variants.notYet}`));
      expect(comparison.rows.reduce((sum, row) => sum + row.assigned, 0)).toBe(api.funnel?.find((step) => step.stage === 'targeted')?.count);
      expect(await tab.textContent('[data-verdict]')).toBe(comparison.verdict);
      expect(hosted.consoleErrors).toEqual([]);
    } finally {
      await hosted.close();
    }
  });
});
