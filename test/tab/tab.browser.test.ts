// The admins' and helpdesk's tab in headless Chromium, inside the demo host page that plays Teams: teams-js's real
// initialize / getContext / getAuthToken exchange, a token from the Graph emulator's token endpoint checked by the
// server, charts drawn from the demo tenant's campaign, a pass approved from the queue and seen in the chat, nothing
// for a non-admin (and a 403 for their forged API calls), axe-core in every theme, a screenshot of each view in
// each theme (docs/screenshots/), and every view in German for a reader whose Teams is in German.

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/shared/package-root.js';
import { axeViolations, launchChromium, openTab, teamsJsDomainList } from '../support/browser.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';
import { until } from '../support/waiting.js';

const SCREENSHOTS = path.join(packageRoot(), 'docs', 'screenshots');
const THEMES = ['default', 'dark', 'contrast'] as const;

const { bot, demo, chat, people } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false' });
let browser: Browser;
const persona = (role: 'employee' | 'manager' | 'helpdesk' | 'approver' | 'security' | 'admin') => {
  const id = demo().seed.personas?.[role];
  if (!id) throw new Error(`the demo tenant has no ${role} persona`);
  return chat.person(id);
};
let pendingRequestId: string;
/** The people the two pass requests are for. */
const passTargets: string[] = [];
/** What five members said to the coach before the tests: each a concern the coach recognises. */
const CONCERNS = ['will my boss see my photos?', 'can the company track where I am', 'it is my own phone, not the company’s', 'what happens if I lose my phone', 'will my boss see my photos?'];

type StringTree = { [key: string]: string | StringTree };
const stringsOf = (locale: string, area: string) => JSON.parse(readFileSync(path.join(packageRoot(), 'strings', locale, `${area}.json`), 'utf8')) as StringTree;
/** Every text of a strings file (each plural form too), without its comments. */
const textsOf = (tree: StringTree): string[] => Object.entries(tree).flatMap(([key, value]) => (key.startsWith('$') ? [] : typeof value === 'string' ? [value] : textsOf(value)));
const pick = (tree: StringTree, ...keys: string[]) => keys.reduce<StringTree | string | undefined>((node, key) => (typeof node === 'object' ? node[key] : undefined), tree);

/** What a reader sees and hears in the tab: its text, one node a line, and its accessible names and tooltips; not the audit trail's codes. */
function readerText(tab: Frame): Promise<string> {
  return tab.evaluate(() => {
    const pieces: string[] = [];
    const walker = document.createTreeWalker(document.querySelector('main') as Node, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (!walker.currentNode.parentElement?.closest('code')) pieces.push(walker.currentNode.textContent ?? '');
    for (const element of document.querySelectorAll('[aria-label], [title]')) pieces.push(element.getAttribute('aria-label') ?? '', element.getAttribute('title') ?? '');
    return pieces.filter((piece) => piece.trim() !== '').join('\n');
  });
}

async function sessionToken(as: string): Promise<string> {
  const response = await fetch(`${bot().url}/tab/demo/session?as=${as}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();

  // A campaign over the demo tenant, with people who raised concerns, enrolled, refused, and a pass waiting.
  const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const started = await chat.say(persona('admin'), `campaign start Spring passkeys deadline ${deadline} waves 1`);
  expect(started.texts.join(' ')).toContain('Started');
  await until(async () => (await bot().service.features.campaigns.records.active())?.value.state === 'running');
  await settle(bot);
  const members: string[] = [];
  for await (const page of bot().service.features.campaigns.records.members((await bot().service.features.campaigns.records.active())!.value.id)) for (const { value } of page) members.push(value.userId);
  expect(members.length).toBeGreaterThan(10);
  for (const [index, words] of CONCERNS.entries()) await chat.say(chat.person(members[index] as string), words);
  for (const id of members.slice(5, 8)) {
    demo().graph.state.enrolMethod(id, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Pixel 8', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' });
    await chat.say(chat.person(id), 'status');
  }
  await chat.click(chat.person(members[9] as string), 'refusal.confirm', { reason: 'privacy' });
  await until(async () => (await bot().service.features.escalations.records.openFor(members[9] as string)) !== undefined);
  await settle(bot);
  // They looked at the iPhone steps before asking for a person: the queue shows their device.
  await chat.click(chat.person(members[11] as string), 'enroll.platform', { platform: 'iphone' });
  await chat.say(chat.person(members[11] as string), 'talk to a person');
  // Two pass requests waiting for approval: one is approved from the tab, the other stays in the screenshots.
  const agent = persona('helpdesk');
  const requestIds: string[] = [];
  for (const [index, reason] of [[12, 'New phone, cannot sign in'], [13, 'Locked out after a phone reset']] as const) {
    const target = demo().seed.users.find((user) => user.id === members[index]);
    passTargets.push(target?.displayName ?? '');
    const { id } = await requestPass(chat, people, agent, target!.displayName);
    if (!id) throw new Error('no pass request form');
    await chat.click(agent, 'tap.submit', { requestId: id, check: 'video-id', note: 'Badge shown on camera', reason, lifetime: '60', oneTime: 'true' });
    requestIds.push(id);
  }
  pendingRequestId = requestIds[0] as string;
  await settle(bot);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});


/** Each view with someone who may open it. */
const EVERY_VIEW = [
  { as: 'admin', view: 'progress' },
  { as: 'admin', view: 'escalations' },
  { as: 'approver', view: 'helpdesk' },
  { as: 'helpdesk', view: 'helpdesk' },
  { as: 'security', view: 'audit' },
] as const;

describe('the tab in a Teams host', () => {
  it('loads through teams-js, signs in with SSO, and draws the campaign charts from the demo data', async () => {
    const hosted = await openTab(browser, bot().url, { as: 'admin' });
    try {
      const { tab, page } = hosted;
      const host = (await page.evaluate(() => (window as unknown as { __teamsHost: { messages: { func: string }[] } }).__teamsHost.messages.map((message) => message.func))) as string[];
      expect(host).toEqual(expect.arrayContaining(['initialize', 'getContext', 'authentication.getAuthToken']));
      expect(await tab.textContent('.top')).toContain('admin');
      expect(await tab.getAttribute('[data-view="progress"]', 'aria-selected')).toBe('true');
      // Four charts, each a canvas Chart.js has drawn on (not blank), and each with the numbers as a table.
      await tab.waitForFunction(() => document.querySelectorAll('canvas[data-chart]').length === 4);
      const inked = await tab.$$eval('canvas[data-chart]', (canvases) =>
        canvases.map((canvas) => {
          const context = (canvas as HTMLCanvasElement).getContext('2d');
          const { width, height } = canvas as HTMLCanvasElement;
          const pixels = context?.getImageData(0, 0, width, height).data ?? new Uint8ClampedArray();
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted += 1;
          return painted;
        }),
      );
      for (const painted of inked) expect(painted).toBeGreaterThan(500);
      const api = (await (await fetch(`${bot().url}/tab/api/progress`, { headers: { authorization: `Bearer ${await sessionToken('admin')}` } })).json()) as { funnel: { label: string; count: number }[]; objections: { title: string; count: number }[] };
      const tiles = await tab.$$eval('.tile', (elements) => elements.map((element) => element.textContent));
      for (const step of api.funnel) expect(tiles).toContain(`${step.count}${step.label}`);
      expect(api.funnel.find((step) => step.label === 'Enrolled')?.count).toBe(3);
      const concernTable = await tab.textContent('figure:last-of-type table');
      for (const concern of api.objections) expect(concernTable).toContain(concern.title);
      expect(api.objections.reduce((sum, concern) => sum + concern.count, 0)).toBe(CONCERNS.length);
      // The browser tried nothing beyond loopback except teams-js's refresh of its Teams domain list, which the page's
      // own policy lets through, and nothing was logged as an error.
      expect(hosted.consoleErrors).toEqual([]);
      expect(hosted.outside).toEqual([(await teamsJsDomainList()).url]);
    } finally {
      await hosted.close();
    }
  }, 60_000);

  it('speaks German to an admin, the helpdesk and security whose Teams is in German, with no English words of the tab left', async () => {
    const german = stringsOf('de', 'tab');
    const texts: string[] = [];
    for (const { as, view } of EVERY_VIEW) {
      const hosted = await openTab(browser, bot().url, { as, view, locale: 'de-DE' });
      try {
        const { tab } = hosted;
        expect(await tab.evaluate(() => document.documentElement.lang)).toBe('de');
        expect(await tab.textContent(`[data-view="${view}"]`)).toBe(pick(german, 'views', view));
        expect(await tab.textContent('#view h2')).toBe(pick(german, view, 'title'));
        expect(await tab.getAttribute('[role="tablist"]', 'aria-label')).toBe(pick(german, 'views', 'label'));
        if (as === 'admin') expect(await tab.textContent('.top')).toContain(pick(german, 'roles', 'admin'));
        if (view === 'progress') {
          // The figures in the chat's German words, and dates the German way ("Frist: 6. Jan. 2027.").
          const tiles = await tab.$$eval('.tile-label', (elements) => elements.map((element) => element.textContent));
          expect(tiles).toContain(pick(stringsOf('de', 'campaigns'), 'figures', 'enrolled'));
          expect(await tab.textContent('.lead')).toMatch(/Frist: \d{1,2}\. \p{L}+\.? \d{4}\./u);
        }
        if (as === 'approver') expect(await tab.locator('button[data-action="approve"]').first().textContent()).toBe(pick(german, 'helpdesk', 'approve'));
        if (view === 'audit') expect(await tab.textContent('.banner')).toMatch(/^(Verifiziert|Nicht verifiziert|Alle|Noch nichts)/);
        texts.push(await readerText(tab));
        expect(hosted.consoleErrors).toEqual([]);
      } finally {
        await hosted.close();
      }
    }
    // Directory data and what people typed stay as they are: names, departments, job titles, the campaign's name, the
    // reasons the agent gave for the passes.
    const { seed } = demo();
    const data = [...seed.users.flatMap((user) => [user.displayName, user.userPrincipalName, user.department ?? '', user.jobTitle ?? '']), 'Spring passkeys', 'New phone, cannot sign in', 'Locked out after a phone reset'];
    let shown = texts.join('\n');
    for (const value of data.filter((item) => item.length > 1).sort((a, b) => b.length - a.length)) shown = shown.split(value).join(' ');
    // Every English piece of the tab's words (and the chat's words the tab shows: figures, states, checks) between its
    // placeholders, but for the few German writes the same way. A German text left in English is caught too.
    const sameInGerman = new Set(['Passkey Coach', 'Helpdesk', 'Person']);
    const campaigns = stringsOf('en', 'campaigns');
    const helpdesk = stringsOf('en', 'helpdesk');
    const englishTexts = [stringsOf('en', 'tab'), pick(campaigns, 'figures'), pick(campaigns, 'report', 'state'), pick(campaigns, 'expired'), pick(helpdesk, 'states'), pick(helpdesk, 'checks'), pick(helpdesk, 'privilegedReasons')].flatMap((tree) => (typeof tree === 'object' ? textsOf(tree) : []));
    const pieces = [...new Set(englishTexts.flatMap((text) => text.split(/\{\w+\}/)).map((piece) => piece.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')))];
    const english = pieces.filter((piece) => /\p{L}{3}/u.test(piece) && !sameInGerman.has(piece));
    expect(english.length).toBeGreaterThan(150);
    const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const left = english.filter((piece) => new RegExp(`(?<![\\p{L}\\d])${literal(piece)}(?![\\p{L}\\d])`, 'u').test(shown));
    expect(left).toEqual([]);
  }, 90_000);

  it('names people and devices instead of showing ids, and writes every date one way and every time with its zone', async () => {
    const views = [
      { as: 'admin', view: 'progress' },
      { as: 'admin', view: 'escalations' },
      { as: 'helpdesk', view: 'helpdesk' },
      { as: 'security', view: 'audit' },
    ];
    const texts: Record<string, string> = {};
    for (const { as, view } of views) {
      const hosted = await openTab(browser, bot().url, { as, view });
      try {
        // Each piece of text on its own line (table cells are not run together).
        texts[view] = await hosted.tab.evaluate(() => {
          const walker = document.createTreeWalker(document.querySelector('#view') as Node, NodeFilter.SHOW_TEXT);
          const pieces: string[] = [];
          while (walker.nextNode()) pieces.push(walker.currentNode.textContent ?? '');
          return pieces.join('\n');
        });
      } finally {
        await hosted.close();
      }
    }
    const all = Object.values(texts).join('\n');
    expect(all).not.toMatch(/user [0-9a-f]{8}…/);
    expect(all).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
    // The viewer's zone is UTC here (the browser context's): every time of day says so.
    const times = all.match(/\d{1,2}:\d{2}(?: [A-Z][A-Za-z+\d:]*)?/g) ?? [];
    expect(times.length).toBeGreaterThan(5);
    for (const time of times) expect(time).toMatch(/ UTC$/);
    expect(texts.progress).toMatch(/deadline \d{1,2} [A-Z][a-z]{2} \d{4}\./);
    expect(texts.helpdesk).toContain('iPhone');
    expect(texts.helpdesk).not.toMatch(/\biphone\b/);
    // The audit trail names the people the pass requests were about (it keeps their ids; the directory has names).
    expect(texts.audit).toContain('tap.request.opened');
    for (const name of passTargets) expect(texts.audit).toContain(name);
  }, 60_000);

  it('lets a helpdesk user who approves passes approve one from the queue, and the chat shows the same state', async () => {
    // Piotr Kowalski is on the helpdesk and among the pass approvers; the request is his colleague's.
    const piotr = people.user('Piotr Kowalski').id;
    const hosted = await openTab(browser, bot().url, { as: piotr, view: 'helpdesk' });
    try {
      const { tab } = hosted;
      const card = tab.locator(`li[data-request="${pendingRequestId}"]`);
      await card.waitFor();
      expect(await card.textContent()).toContain('New phone, cannot sign in');
      await card.locator('button[data-action="approve"]').click();
      await tab.waitForFunction((id) => document.querySelector('.notice')?.textContent?.includes(`Request ${id} is approved`) && document.querySelector('#view')?.getAttribute('aria-busy') === 'false', pendingRequestId);
      expect(await tab.locator(`li[data-request="${pendingRequestId}"]`).count()).toBe(0);
      // The same records and the same messages as a click on the card in Teams.
      const request = await bot().service.features.temporaryAccess.records.get(pendingRequestId);
      expect(request?.value.state).toBe('approved');
      expect(request?.value.approval?.by.id).toBe(piotr);
      expect(await tab.textContent('#view')).toContain('Your open pass requests');
      await settle(bot);
      const agent = demo().seed.personas!.helpdesk;
      expect(people.received(agent, new RegExp(`tap\\.reveal[^}]*${pendingRequestId}|${pendingRequestId}[^}]*tap\\.reveal`))).not.toHaveLength(0);
      const listed = await chat.say(persona('helpdesk'), 'tap list');
      expect(JSON.stringify(listed.cards)).toContain(`${pendingRequestId}: `);
      expect(JSON.stringify(listed.cards)).toContain('approved, waiting to be revealed');
      // Every approval card posted to the approvers in Teams (all but the agent) was updated to say so.
      const copies = request?.value.copies ?? [];
      expect(copies).toHaveLength(people.members('tap-approvers').filter((id) => id !== agent).length);
      for (const copy of copies) {
        const versions = demo().connector.activities({}).filter((record) => record.activityId === copy.activityId && (record.kind === 'send' || record.kind === 'update'));
        expect(versions.at(-1)?.kind).toBe('update');
        // "Approved by Piotr Kowalski at …", in the language of the approver the card went to.
        const approvedBy = people.said(copy.recipientId, 'helpdesk.approval.approvedBy', { name: 'Piotr Kowalski', time: '\u0001' }).split('\u0001')[0] ?? '';
        expect(JSON.stringify(versions.at(-1)?.activity)).toContain(JSON.stringify(approvedBy).slice(1, -1));
      }
      // A second approval from the tab changes nothing and says why.
      const again = await fetch(`${bot().url}/tab/api/passes/${pendingRequestId}/approve`, { method: 'POST', headers: { authorization: `Bearer ${await sessionToken(piotr)}` } });
      expect(again.status).toBe(409);
      expect(((await again.json()) as { message?: string }).message).toMatch(/^Nothing changed: the request is approved/);
    } finally {
      await hosted.close();
    }
  }, 60_000);

  it('shows a non-admin nothing, and the API refuses their forged requests', async () => {
    const hosted = await openTab(browser, bot().url, { as: 'employee' });
    try {
      const text = (await hosted.tab.textContent('main')) ?? '';
      expect(text).toContain('nothing to show here');
      expect(await hosted.tab.locator('[role="tab"], canvas, table').count()).toBe(0);
      expect(text).not.toMatch(/Spring passkeys|Targeted|T-[A-Z0-9]{6}/);
    } finally {
      await hosted.close();
    }
    const employee = await sessionToken('employee');
    for (const route of ['progress', 'escalations', 'passes', 'audit', 'audit/export']) {
      const response = await fetch(`${bot().url}/tab/api/${route}`, { headers: { authorization: `Bearer ${employee}` } });
      expect(response.status, route).toBe(403);
      expect(await response.text()).not.toMatch(/Spring passkeys|T-[A-Z0-9]{6}|"seq"/);
    }
    const approve = await fetch(`${bot().url}/tab/api/passes/${pendingRequestId}/approve`, { method: 'POST', headers: { authorization: `Bearer ${employee}` } });
    expect(approve.status).toBe(403);
    expect(((await approve.json()) as { message?: string }).message).toMatch(/isn't available to you/);
    // A token with its payload changed (now claiming the admin) fails its signature.
    const admin = demo().seed.personas!.admin;
    const [header, payload, signature] = employee.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, oid: admin })).toString('base64url')}.${signature}`;
    const refused = await fetch(`${bot().url}/tab/api/progress`, { headers: { authorization: `Bearer ${forged}` } });
    expect(refused.status).toBe(401);
    expect((await fetch(`${bot().url}/tab/api/me`)).status).toBe(401);
  }, 60_000);

  it('passes axe-core in every theme, logs no console error, and writes a screenshot of each view in each theme', async () => {
    const problems: string[] = [];
    // The audit view as a running service shows it: its trail anchored (the schedule would have done it by now).
    await bot().service.anchorAudit();
    for (const theme of THEMES) {
      for (const { as, view } of EVERY_VIEW) {
        const hosted = await openTab(browser, bot().url, { as, theme, view });
        try {
          expect(await hosted.tab.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
          for (const violation of await axeViolations(hosted.tab)) {
            if (violation.impact === 'serious' || violation.impact === 'critical') problems.push(`${as}/${view}/${theme}: ${violation.id} (${violation.impact}) ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
          }
          for (const error of hosted.consoleErrors) problems.push(`${as}/${view}/${theme}: console error ${error}`);
          await hosted.page.locator('#tab-frame').screenshot({ path: path.join(SCREENSHOTS, `tab-${view}${as === 'helpdesk' ? '-agent' : ''}-${theme}.png`) });
        } finally {
          await hosted.close();
        }
      }
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('takes someone the helpdesk helped out of the "talk to a person" queue', async () => {
    const hosted = await openTab(browser, bot().url, { as: 'helpdesk', view: 'helpdesk' });
    try {
      const { tab } = hosted;
      const button = tab.locator('button[data-action="helped"]').first();
      const name = (await button.getAttribute('aria-label'))?.split(' was helped')[0] ?? '';
      expect(name.length).toBeGreaterThan(0);
      await button.click();
      await tab.waitForFunction((who) => document.querySelector('.notice')?.textContent?.includes(`${who} is marked as helped`) && document.querySelector('#view')?.getAttribute('aria-busy') === 'false', name);
      expect(await tab.locator(`button[data-action="helped"][aria-label^="${name} was helped"]`).count()).toBe(0);
    } finally {
      await hosted.close();
    }
  }, 60_000);

  it('follows a theme change from Teams without reloading, and moves between views with the keyboard', async () => {
    const hosted = await openTab(browser, bot().url, { as: 'security' });
    try {
      const { page, tab } = hosted;
      await page.selectOption('#theme', 'dark');
      await tab.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      await page.selectOption('#theme', 'contrast');
      await tab.waitForFunction(() => document.documentElement.dataset.theme === 'contrast');
      await tab.focus('[role="tab"][aria-selected="true"]');
      // The security persona has direct reports: My team is the last view, the audit trail the one before it.
      await tab.press('[role="tab"][aria-selected="true"]', 'End');
      await tab.waitForFunction(() => document.activeElement?.getAttribute('data-view') === 'team' && document.querySelector('#view')?.getAttribute('aria-busy') === 'false');
      await tab.press('[data-view="team"]', 'ArrowLeft');
      await tab.waitForFunction(() => document.activeElement?.getAttribute('data-view') === 'audit' && document.querySelector('#view')?.getAttribute('aria-busy') === 'false');
      expect(await tab.textContent('#view')).toContain('Verified');
      await tab.press('[data-view="audit"]', 'Home');
      await tab.waitForFunction(() => document.activeElement?.getAttribute('data-view') === 'progress');
    } finally {
      await hosted.close();
    }
  }, 60_000);
});

describe('the tab outside Teams and its headers', () => {
  it('says how to open it when opened directly, and is framed only by Teams and Microsoft 365 hosts', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${bot().url}/tab/`);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/teams\.microsoft\.com/);
      expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/\*\.cloud\.microsoft/);
      // The one address outside this origin the page may fetch: the domain list of the teams-js it ships.
      expect(/connect-src ([^;]*)/.exec(csp)?.[1]).toBe(`'self' ${(await teamsJsDomainList()).url}`);
      await page.waitForSelector('main[aria-busy="false"]');
      expect(await page.textContent('main')).toContain('Open Teams');
      // Nothing secret in what the page loads: no demo client secret, no audit key, no token.
      const secret = demo().seed.apps[0]?.clientSecret ?? 'no-secret';
      const assets = await page.$$eval('script[src], link[rel="stylesheet"]', (elements) => elements.map((element) => (element as HTMLScriptElement).src || (element as HTMLLinkElement).href));
      for (const asset of [`${bot().url}/tab/`, ...assets]) {
        const body = await (await fetch(asset)).text();
        expect(body).not.toContain(secret);
        expect(body).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
      }
    } finally {
      await page.close();
    }
  });
});
