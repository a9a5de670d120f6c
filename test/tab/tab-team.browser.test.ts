// The tab's "My team" in headless Chromium inside the demo host: a manager's direct reports with the states the API
// (and so the chat's card) gives, a Nudge per person that redraws the view, "nudge everyone", no such view for someone
// who manages nobody, the reader's language, aggregate mode without names, and axe-core in every theme (with a
// screenshot of each in docs/screenshots/).

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/shared/package-root.js';
import { Strings } from '../../src/shared/strings.js';
import type { TeamView } from '../../src/tab/api-contract.js';
import { axeViolations, launchChromium, openTab } from '../support/browser.js';
import { type DemoSuite, demoBotSuite } from '../support/demo-suite.js';
import { until } from '../support/waiting.js';

const SCREENSHOTS = path.join(packageRoot(), 'docs', 'screenshots');
const THEMES = ['default', 'dark', 'contrast'] as const;
const strings = new Strings();
const tabWords = (locale: string) => JSON.parse(readFileSync(path.join(packageRoot(), 'strings', locale, 'tab.json'), 'utf8')) as { team: Record<string, string>; views: Record<string, string> };

const suite = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { inMemory: true });
const { bot, chat, people } = suite;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  // Someone on Anna's team who a nudge does not help: Emily asked for a person.
  await chat.say(chat.person(people.user('Emily Carter').id), 'talk to a person');
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** The view as the API gives it to this person (what the page should show). */
async function apiView(of: DemoSuite, name: string): Promise<TeamView> {
  const id = of.people.user(name).id;
  const { token } = (await (await fetch(`${of.bot().url}/tab/demo/session?as=${id}`)).json()) as { token: string };
  return (await (await fetch(`${of.bot().url}/tab/api/team`, { headers: { authorization: `Bearer ${token}` } })).json()) as TeamView;
}

/** Each row of the people table: name, state, and the accessible name of its button ('' without one). */
function rows(tab: Frame): Promise<string[][]> {
  return tab.locator('#view table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('button')?.getAttribute('aria-label') ?? td.textContent ?? '')));
}

/** Waits for the notice a click leaves and for the view drawn again after it. */
async function redrawnWith(tab: Frame, notice: string): Promise<void> {
  await tab.waitForFunction((text) => document.querySelector('.notice')?.textContent === text && document.querySelector('#view')?.getAttribute('aria-busy') === 'false', notice);
}

describe('My team in the tab', () => {
  it("shows a manager their reports as the API says, and a Nudge redraws the view without that person's button", async () => {
    const lukas = people.user('Lukas Schmid');
    const hosted = await openTab(browser, bot().url, { as: people.user('Anna Keller').id });
    try {
      const { tab } = hosted;
      // Anna is in no group: My team is her one view, and the header says why she sees it.
      expect(await tab.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((element) => element.getAttribute('data-view')))).toEqual(['team']);
      expect(await tab.textContent('.top')).toContain('Anna Keller · Manager');
      const view = await apiView(suite, 'Anna Keller');
      expect(await tab.textContent('#view h2')).toBe('My team');
      expect(await tab.textContent('#view .lead')).toBe(view.summary);
      expect(await rows(tab)).toEqual(view.people.map((person) => [person.name, person.stateText, person.nudge ? `Nudge ${person.name}` : '']));
      expect((await rows(tab)).map((row) => row[2])).toEqual(['', 'Nudge Jonas Meier', 'Nudge Lukas Schmid', 'Nudge Nadia Haddad']);
      expect(await tab.textContent('button[data-action="nudge-all"]')).toBe('Nudge all 3 people not set up');
      expect(await tab.locator('.tile').evaluateAll((tiles) => tiles.map((tile) => tile.textContent))).toEqual(view.counts.map((count) => `${count.count}${count.label}`));
      expect(await tab.locator('.footnotes p').allTextContents()).toEqual(view.footnotes);

      await tab.click(`button[data-action="nudge"][data-person="${lukas.id}"]`);
      await redrawnWith(tab, "I'll nudge Lukas Schmid in their working hours and say it comes from you.");
      expect(await tab.locator(`button[data-person="${lukas.id}"]`).count()).toBe(0);
      expect((await rows(tab)).map((row) => row[2])).toEqual(['', 'Nudge Jonas Meier', '', 'Nudge Nadia Haddad']);
      expect(await tab.textContent('button[data-action="nudge-all"]')).toBe('Nudge all 2 people not set up');
      // Queued and sent as from the chat: Lukas gets Anna's nudge in his language.
      await until(() => people.received(lukas.id, people.saying(lukas.id, 'team.message.title', { manager: 'Anna Keller' })).length === 1, 30_000);
      expect(hosted.consoleErrors).toEqual([]);
    } finally {
      await hosted.close();
    }
  }, 60_000);

  it('nudges everyone not set up with the one button, then says nobody needs a nudge', async () => {
    const hosted = await openTab(browser, bot().url, { as: 'manager' });
    try {
      const { tab } = hosted;
      await tab.click('button[data-action="nudge-all"]');
      await redrawnWith(tab, "I'll nudge 3 people in their working hours and say it comes from you.");
      expect(await tab.locator('#view button').count()).toBe(0);
      expect(await tab.textContent('#view .actions')).toBe('Nobody needs a nudge right now: everyone is set up, decided, or was nudged recently.');
      expect((await rows(tab)).map((row) => row[0])).toEqual(['Ava Patel', 'Mia Rodriguez', 'Noah Kim']);
    } finally {
      await hosted.close();
    }
  }, 60_000);

  it('offers no team view to someone who manages nobody, whatever else they see', async () => {
    const employee = await openTab(browser, bot().url, { as: people.user('Jonas Meier').id });
    try {
      expect(await employee.tab.textContent('main')).toContain('nothing to show here');
      expect(await employee.tab.locator('[role="tab"], table, button').count()).toBe(0);
    } finally {
      await employee.close();
    }
    const admin = await openTab(browser, bot().url, { as: 'admin' });
    try {
      const views = await admin.tab.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((element) => element.getAttribute('data-view')));
      expect(views).toEqual(expect.arrayContaining(['progress', 'escalations']));
      expect(views).not.toContain('team');
    } finally {
      await admin.close();
    }
  }, 60_000);

  it("speaks the reader's language: the page's words from tab.json, states and notes from the chat's strings", async () => {
    const german = tabWords('de');
    const hosted = await openTab(browser, bot().url, { as: people.user('Anna Keller').id, locale: 'de-DE' });
    try {
      const { tab } = hosted;
      expect(await tab.textContent('[data-view="team"]')).toBe(german.views.team);
      expect(await tab.textContent('#view h2')).toBe(german.team.title);
      expect(await tab.textContent('#view .lead')).toBe(strings.text('de', 'team.summary', { enrolled: 0, count: 4 }));
      expect(await tab.getAttribute(`button[data-person="${people.user('Jonas Meier').id}"]`, 'aria-label')).toBe('Jonas Meier erinnern');
      expect(await tab.textContent(`button[data-person="${people.user('Jonas Meier').id}"]`)).toBe(german.team.nudge);
      expect(await tab.locator('.footnotes p').first().textContent()).toBe(strings.text('de', 'team.privacyNote'));
      expect(await tab.textContent('#view')).toContain(strings.text('de', 'team.states.asked-for-person'));
    } finally {
      await hosted.close();
    }
  }, 60_000);

  it('passes axe-core in every theme, logs no console error, and writes a screenshot of each', async () => {
    const problems: string[] = [];
    for (const theme of THEMES) {
      const hosted = await openTab(browser, bot().url, { as: people.user('Anna Keller').id, theme });
      try {
        for (const violation of await axeViolations(hosted.tab)) problems.push(`team/${theme}: ${violation.id} (${violation.impact}) ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
        for (const error of hosted.consoleErrors) problems.push(`team/${theme}: console error ${error}`);
        await hosted.page.locator('#tab-frame').screenshot({ path: path.join(SCREENSHOTS, `tab-team-${theme}.png`) });
      } finally {
        await hosted.close();
      }
    }
    expect(problems).toEqual([]);
  }, 90_000);
});

describe('My team in the tab with MANAGER_VIEW=aggregate', () => {
  const aggregate = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', MANAGER_VIEW: 'aggregate' }, { inMemory: true });

  it('shows counts and the one button, names nobody on the team, and passes axe-core', async () => {
    const hosted = await openTab(browser, aggregate.bot().url, { as: aggregate.people.user('Anna Keller').id });
    try {
      const { tab } = hosted;
      expect(await tab.locator('#view table').count()).toBe(0);
      expect(await tab.locator('.tile').allTextContents()).toEqual(['4Not invited yet']);
      const text = await tab.evaluate(() => `${document.querySelector('main')?.textContent ?? ''} ${[...document.querySelectorAll('[aria-label], [title], [data-person]')].map((element) => element.outerHTML).join(' ')}`);
      for (const name of ['Jonas Meier', 'Emily Carter', 'Lukas Schmid', 'Nadia Haddad']) {
        expect(text).not.toContain(name);
        expect(await tab.content()).not.toContain(aggregate.people.user(name).id);
      }
      expect(await tab.locator('.footnotes').textContent()).toContain('Your organisation shows managers counts rather than names.');
      expect(await axeViolations(tab)).toEqual([]);
      await tab.click('button[data-action="nudge-all"]');
      await redrawnWith(tab, "I'll nudge 4 people in their working hours and say it comes from you.");
      expect(await tab.locator('#view button').count()).toBe(0);
    } finally {
      await hosted.close();
    }
  }, 60_000);
});
