// Two invitation texts compared over the demo tenant, over nine days of fake time, against the real bot and both
// emulators: the start form offers the texts; each person gets the text the rule gives them (keyed by the campaign and
// the person), worded in their language, and their reminders keep it; stopping one text sends the next wave's
// invitations only in the other (people it had not reached yet move, nobody it reached does), is audited, and the last
// text cannot be stopped; and the status card, the tab's progress view and the CSV agree on every text's figures.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { assignVariant } from '../../src/campaigns/invitation-variants.js';
import type { CampaignMember } from '../../src/campaigns/campaign-records.js';
import type { VariantCounts } from '../../src/campaigns/variant-figures.js';
import { formatDeadline } from '../../src/shared/formatting.js';
import { Strings } from '../../src/shared/strings.js';
import { countIntoVariant, parseCsv } from '../support/campaign-figures.js';
import { nudgeOf } from '../support/campaign-nudges.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at } from '../support/outreach-helpers.js';
import { until } from '../support/waiting.js';

// Monday 30 November 2026, 07:00 UTC; working hours are not kept, so each wave goes out on its own day.
const MONDAY = Date.parse('2026-11-30T07:00:00.000Z');
const on = (days: number, hour: number) => new Date(MONDAY + days * 86_400_000 + (hour - 7) * 3_600_000).toISOString();
const DEADLINE = '2027-01-15';
const ORGANISATION = 'Northwind Pharma';
const suite = demoBotSuite({ ORGANISATION_NAME: ORGANISATION, CAMPAIGN_RESPECT_WORKING_HOURS: 'false', CAMPAIGN_REMINDER_DAYS: '3' }, { startAt: on(0, 6.5), inMemory: true });
const { bot, demo, chat } = suite;
const strings = new Strings();

const admin = () => chat.person(demo().seed.personas?.admin ?? '');
const features = () => bot().service.features;
const sent = (userId: string, step: 'invite' | 'reminder') =>
  demo()
    .connector.activities({ userId, kind: 'send' })
    .filter((record) => nudgeOf(record.activity)?.step === step);

async function members(campaignId: string): Promise<CampaignMember[]> {
  const found: CampaignMember[] = [];
  for await (const page of features().campaigns.records.members(campaignId)) found.push(...page.map((record) => record.value));
  return found;
}

type Figures = Pick<VariantCounts, 'assigned' | 'reached' | 'weekOver' | 'replied' | 'enrolled'>;
const LABELS: Record<string, string> = { standard: 'Standard', security: 'Security first' };

/** Each text's figures as the status card shows them: its section's rows, read back into numbers. */
async function onCard(): Promise<Record<string, Figures>> {
  const card = JSON.stringify((await chat.say(admin(), 'campaign status', { locale: 'en-US' })).cards[0]);
  const figures: Record<string, Figures> = {};
  for (const [id, label] of Object.entries(LABELS)) {
    const row = (name: string) => new RegExp(`"Invitation “${label}”[^"]*"[\\s\\S]*?"${name}","value":"([^"]+)"`).exec(card)?.[1] ?? '';
    const count = (name: string) => Number(/^\d+/.exec(row(name))?.[0]);
    figures[id] = { assigned: count('Given this invitation'), reached: count('Reached'), weekOver: count('Reached at least 7 days ago'), replied: count('Replied within 7 days'), enrolled: count('Enrolled within 7 days') };
  }
  return figures;
}

async function onTab(): Promise<Record<string, Figures>> {
  const person = admin();
  const progress = await bot().service.tab.progress({ id: person.id, name: person.name }, 'en', 1e13);
  return Object.fromEntries((progress.variants?.rows ?? []).map(({ id, assigned, reached, weekOver, replied, enrolled }) => [id, { assigned, reached, weekOver, replied, enrolled }]));
}

async function inCsv(): Promise<Record<string, Figures>> {
  const reply = await chat.say(admin(), 'campaign export', { locale: 'en-US' });
  const link = /\((http[^)]+\/downloads\/[A-Za-z0-9_-]+)\)/.exec(reply.texts.join(' '))?.[1] ?? '';
  const [header = [], ...rows] = parseCsv(await (await fetch(link)).text());
  const column = (row: string[], name: string) => row[header.indexOf(name)] ?? '';
  const figures: Record<string, Figures> = {};
  for (const row of rows) {
    const text = column(row, 'variant');
    const sums = figures[text] ?? { assigned: 0, reached: 0, weekOver: 0, replied: 0, enrolled: 0 };
    figures[text] = sums;
    sums.assigned += 1;
    sums.reached += column(row, 'reachedAt') === '' ? 0 : 1;
    sums.weekOver += Number(column(row, 'reachedWeekAgo'));
    sums.replied += Number(column(row, 'repliedWithin7Days'));
    sums.enrolled += Number(column(row, 'enrolledWithin7Days'));
  }
  return figures;
}

describe('a campaign comparing two invitation texts', () => {
  it('assigns, words, keeps, stops and counts each person’s text the same everywhere', { timeout: 120_000 }, async () => {
    // The form offers every text, the usual one ticked.
    const form = JSON.stringify((await chat.say(admin(), 'campaign start', { locale: 'en-US' })).cards[0]);
    expect(form).toMatch(/"type":"Input.ChoiceSet","id":"variants",[^}]*"isMultiSelect":true/);
    expect(form).toContain('"value":"standard"');
    for (const id of ['standard', 'security', 'convenience']) expect(form).toContain(`"value":"${id}"`);

    const started = await chat.click(admin(), 'campaign.start', { name: 'Which words work', deadline: DEADLINE, waves: 2, variants: 'security,standard' }, { locale: 'en-US' });
    expect(String(started.value)).toContain('Each person gets one of these invitations at random and keeps it: “Standard” and “Security first”.');
    await until(async () => (await features().campaigns.records.active())?.value.state === 'running');
    const campaignId = (await features().campaigns.records.active())?.value.id ?? '';
    const both = ['standard', 'security'] as const;

    // Monday: the first wave. Everyone's text is the rule's, and their invitation is that text in their language.
    await at(bot, on(0, 8));
    const firstWave = (await members(campaignId)).filter((member) => member.wave === 0);
    expect(firstWave.length).toBeGreaterThan(8);
    for (const member of await members(campaignId)) expect(member.variant, member.displayName).toBe(assignVariant(campaignId, member.userId, both));
    const locales = new Set<string>();
    for (const member of firstWave.filter((person) => person.state !== 'unreachable')) {
      const [invitation] = sent(member.userId, 'invite');
      const nudge = nudgeOf(invitation?.activity);
      expect(nudge?.variant, member.displayName).toBe(member.variant);
      // Their text's words, in their language: the title told the text, the reason says it too.
      const why = strings.text(nudge?.locale ?? 'en', `campaigns.variants.${member.variant}.why`, { organisation: ORGANISATION });
      expect(JSON.stringify(invitation?.activity), member.displayName).toContain(JSON.stringify(why).slice(1, -1));
      locales.add(nudge?.locale ?? '');
    }
    expect(new Set(firstWave.map((member) => member.variant))).toEqual(new Set(both));
    expect(locales.size, [...locales].join()).toBeGreaterThan(1);

    // The admin stops "Security first": audited; "Standard" is now the last text, and cannot be stopped.
    const stopped = await chat.click(admin(), 'campaign.stop-variant', { campaignId, variant: 'security' }, { locale: 'en-US' });
    expect(String(stopped.value)).toBe('Stopped “Security first”: new invitations use “Standard”. People who already got it keep it for their reminders.');
    const last = await chat.click(admin(), 'campaign.stop-variant', { campaignId, variant: 'standard' }, { locale: 'en-US' });
    expect(String(last.value)).toMatch(/^“Standard” is the only invitation still being sent, so it cannot be stopped/);
    const audit = (await bot().service.store.list<{ action: string; details?: Record<string, unknown> }>(AUDIT_ENTRIES, { limit: 1000 })).records.map((record) => record.value);
    expect(audit.filter((entry) => entry.action === 'campaign.variant-stopped').map((entry) => entry.details)).toEqual([{ campaignId, variant: 'security', stillSent: ['standard'] }]);

    // Tuesday: the second wave gets "Standard" only, those the rule had given "Security first" included.
    await at(bot, on(1, 8));
    const secondWave = (await members(campaignId)).filter((member) => member.wave === 1 && member.state !== 'unreachable');
    const moved = secondWave.filter((member) => assignVariant(campaignId, member.userId, both) === 'security');
    expect(moved.length).toBeGreaterThan(0);
    for (const member of secondWave) {
      expect(member.variant, member.displayName).toBe('standard');
      expect(sent(member.userId, 'invite').map((record) => nudgeOf(record.activity)?.variant)).toEqual(['standard']);
    }

    // Wednesday: some people of each text answer, and some enrol.
    await at(bot, on(2, 9), { schedule: false });
    const byText = (text: string) => firstWave.filter((member) => member.variant === text && member.state === 'reached');
    for (const text of both) {
      const [replies, enrols] = [byText(text)[0], byText(text)[1]];
      if (!replies || !enrols) throw new Error(`too few reached people with ${text}`);
      await chat.say(chat.person(replies.userId), 'what is a passkey?');
      demo().graph.state.enrolMethod(enrols.userId, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'iPhone 15', aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f', attestationLevel: 'attested' });
      await chat.say(chat.person(enrols.userId), 'status');
    }

    // Thursday, day 3: reminders keep each person's own text, "Security first" too although it is stopped.
    await at(bot, on(3, 0.5));
    await at(bot, on(3, 8), { schedule: false });
    for (const text of both) {
      const person = firstWave.find((member) => member.variant === text && sent(member.userId, 'reminder').length > 0);
      if (!person) throw new Error(`no reminder to anyone with ${text}`);
      const reminder = sent(person.userId, 'reminder')[0];
      const locale = nudgeOf(reminder?.activity)?.locale ?? 'en';
      expect(JSON.stringify(reminder?.activity), person.displayName).toContain(JSON.stringify(strings.text(locale, `campaigns.variants.${text}.reminder`, { organisation: ORGANISATION, deadline: formatDeadline(DEADLINE, locale) })).slice(1, -1));
    }

    // Day 9: both waves have had their week. The card, the tab and the export agree, and say what the members say.
    await at(bot, on(9, 1));
    const now = new Date();
    const expected: Record<string, Figures> = {};
    for (const member of await members(campaignId)) {
      const text = member.variant ?? '';
      const sums = expected[text] ?? { assigned: 0, reached: 0, weekOver: 0, replied: 0, enrolled: 0 };
      expected[text] = sums;
      countIntoVariant(sums, member, now);
    }
    expect(expected.security?.enrolled).toBeGreaterThan(0);
    expect(expected.standard?.replied).toBeGreaterThan(0);
    expect(await onCard(), 'the status card').toEqual(expected);
    expect(await onTab(), 'the tab').toEqual(expected);
    expect(await inCsv(), 'the export').toEqual(expected);
    // The demo tenant is small: the card says so rather than name a winner.
    const card = JSON.stringify((await chat.say(admin(), 'campaign status', { locale: 'en-US' })).cards[0]);
    expect(card).toMatch(/Too early to tell the invitations apart: each needs at least 30 people/);
    expect(card).not.toContain('"verb":"campaign.stop-variant"');
    // The leadership digest compares the texts too, with the status card's verdict and each text's enrolment rate.
    const digest = JSON.stringify((await chat.say(admin(), 'digest', { locale: 'en-US' })).cards[0]);
    expect(digest).toContain('Invitation texts compared (enrolled within 7 days)');
    expect(digest).toMatch(/Too early to tell the invitations apart: each needs at least 30 people/);
    for (const [text, figures] of Object.entries(expected)) {
      const label = strings.text('en', `campaigns.variants.${text}.label`);
      expect(digest, text).toContain(`Invitation “${label}”`);
      if (figures.weekOver > 0) expect(digest, text).toContain(`${figures.enrolled} of ${figures.weekOver}: `);
    }
  });
});
