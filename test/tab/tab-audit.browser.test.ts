// The audit view in headless Chromium, attacked: it says whether the trail reaches its newest anchor, marks a name
// no seal covers and a person who is not the one sealed, and turns to "Not verified" when the trail is cut back.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditMac, entryHash, headMac } from '../../src/audit/audit-crypto.js';
import { AUDIT_ENTRIES, AUDIT_HEAD_KEY, AUDIT_META, AUDIT_PERSONAL } from '../../src/audit/audit-entry.js';
import { DEMO_AUDIT_KEY } from '../../src/config/load-config.js';
import { launchChromium, openTab } from '../support/browser.js';
import { demoBotSuite } from '../support/demo-suite.js';

type Raw = Record<string, unknown>;

const { bot, demo } = demoBotSuite();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Someone outside the security group asks for the audit view: each refusal is an audit entry with their name. */
async function refusedViews(as: 'admin' | 'employee' | 'manager'): Promise<void> {
  const { token } = (await (await fetch(`${bot().url}/tab/demo/session?as=${as}`)).json()) as { token: string };
  expect((await fetch(`${bot().url}/tab/api/audit`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
}

async function auditPage(): Promise<{ banner: string; anchored: string | null; rows: string[][]; close: () => Promise<void> }> {
  const hosted = await openTab(browser, bot().url, { as: 'security', view: 'audit' });
  const banner = hosted.tab.locator('.banner');
  const rows = await hosted.tab.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  return { banner: (await banner.textContent()) ?? '', anchored: await banner.getAttribute('data-anchored'), rows, close: () => hosted.close() };
}

const store = () => bot().service.store;
const key = (seq: number) => String(seq).padStart(12, '0');

describe('the audit view', () => {
  it('says plainly when there is no anchor yet, then that the trail reaches its newest anchor', async () => {
    await refusedViews('admin');
    let page = await auditPage();
    expect(page.banner).toContain('no anchor yet');
    expect(page.anchored).toBe('false');
    await page.close();

    await bot().service.anchorAudit();
    page = await auditPage();
    // A new trail may hold a single entry: the banner counts in the plural form the count needs.
    expect(page.banner).toMatch(/^Verified: (all \d+ entries are intact and in order|the only entry is intact), and the trail still reaches its newest anchor \(entry \d+/);
    expect(page.anchored).toBe('true');
    await page.close();
  }, 60_000);

  it('marks a name recorded before names were sealed, and a person who is not the one the entry sealed', async () => {
    await refusedViews('employee');
    // The newest entry as an earlier version wrote it: no names seal (resealed with the demo key, as that version would).
    const head = (await store().get<Raw>(AUDIT_META, AUDIT_HEAD_KEY))!.value;
    const seq = head.seq as number;
    const { actorNames: _names, ...legacy } = (await store().get<Raw>(AUDIT_ENTRIES, key(seq)))!.value;
    const hash = entryHash(legacy);
    await store().put(AUDIT_ENTRIES, key(seq), { ...legacy, hash, mac: auditMac(DEMO_AUDIT_KEY, hash) });
    await store().put(AUDIT_META, AUDIT_HEAD_KEY, { ...head, hash, mac: headMac(DEMO_AUDIT_KEY, seq, hash) });
    await bot().service.anchorAudit();

    let page = await auditPage();
    const employee = demo().seed.users.find((user) => user.id === demo().seed.personas?.employee)!.displayName;
    expect(page.rows[0]?.[0]).toBe(String(seq));
    expect(page.rows[0]?.[4]).toBe(`${employee} (name not sealed)`);
    expect(page.banner).toMatch(/^Verified/);
    await page.close();

    // Someone gives the entry before it to another person.
    const personal = (await store().get<Raw>(AUDIT_PERSONAL, `${key(seq - 1)}.actor`))!.value;
    await store().put(AUDIT_PERSONAL, `${key(seq - 1)}.actor`, { ...personal, aadObjectId: demo().seed.personas?.manager, displayName: 'Somebody Else' });
    page = await auditPage();
    expect(page.rows[1]?.[4]).toBe('Somebody Else (not the person sealed)');
    expect(page.rows[1]?.[6]).toBe('NO');
    expect(page.banner).toMatch(/^Not verified: 1 problem .* #\d+ identity-mismatch/);
    await store().put(AUDIT_PERSONAL, `${key(seq - 1)}.actor`, personal);
    await page.close();
  }, 60_000);

  it('says not verified when the trail is cut back below its newest anchor', async () => {
    const head = (await store().get<Raw>(AUDIT_META, AUDIT_HEAD_KEY))!.value;
    const olderHead = head;
    await refusedViews('manager');
    await bot().service.anchorAudit();
    const newest = (await store().get<Raw>(AUDIT_META, AUDIT_HEAD_KEY))!.value.seq as number;
    for (let seq = (olderHead.seq as number) + 1; seq <= newest; seq++) await store().delete(AUDIT_ENTRIES, key(seq));
    await store().put(AUDIT_META, AUDIT_HEAD_KEY, olderHead);

    const page = await auditPage();

    expect(page.banner).toMatch(new RegExp(`^Not verified: 1 problem in ${olderHead.seq} entr(y|ies)\\. The first: #${newest} rolled-back`));
    expect(page.anchored).toBe('true');
    await page.close();
  }, 60_000);
});
