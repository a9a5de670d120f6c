// Managers and their team through the bot's real endpoint: `team` shows each direct report's state (refused and with
// whom the decision is, asked for a person, cannot be reached, snoozed, invited, left out of the roll-out, an
// exception, enrolled), those who need something first, and never a concern or a word of anyone's; a nudge goes to the
// clicker's own report only, once per MANAGER_NUDGE_DAYS, names the manager and arrives in the report's language;
// `team all` walks the teams below with its cap; the help card lists `team` to managers only.

import { describe, expect, it } from 'vitest';
import { CAMPAIGN_VERBS } from '../../src/campaigns/campaign-messages.js';
import { recordRefusal } from '../../src/escalation/refusals.js';
import { TEAM_VERBS } from '../../src/managers/team-card.js';
import type { OutboxRow } from '../../src/outbox/outbox.js';
import { isWithinWorkingHours, parseWorkingHours } from '../../src/shared/working-hours.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { teamCardRows } from '../support/team-cards.js';
import { outboxDrained, until } from '../support/waiting.js';

const { bot, demo, chat, people } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', MANAGER_NUDGE_DAYS: '7', MANAGER_TEAM_ALL_LIMIT: '10' }, { inMemory: true });
const features = () => bot().service.features;
const inTwentyDays = () => new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);

/** The texts of an Adaptive Card, in order (names and states come in pairs in a team card). */
function textsOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') out.push(record.text);
      if (record.type === 'FactSet') for (const fact of record.facts as { title: string; value: string }[]) out.push(`${fact.title}: ${fact.value}`);
      for (const value of Object.values(record)) walk(value);
    }
  };
  walk(card);
  return out;
}

describe('team: a manager sees where each report stands', () => {
  it('shows every kind of state, those who need something first, and nothing anyone told the coach', async () => {
    const [jonas, emily, lukas, nadia] = [people.user('Jonas Meier'), people.user('Emily Carter'), people.user('Lukas Schmid'), people.user('Nadia Haddad')];
    const anna = chat.person(people.user('Anna Keller').id);
    const started = await features().campaigns.start({ name: 'Team view', deadline: inTwentyDays(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    features().scheduler.kick();
    await until(async () => (await features().campaigns.records.get(started.started.id))?.value.targetedAt !== undefined, 60_000);
    await until(() => outboxDrained(features()), 60_000);

    // Jonas says no, with words for his manager: the refusal goes to Anna, the words stay off her team card.
    await recordRefusal(bot().service.store, { userId: jonas.id, reason: 'privacy', details: 'My employer would read my private photos', intents: ['employer-spying'], recordedAt: new Date().toISOString() });
    await features().campaigns.onRefused(jonas.id);
    await features().escalations.open(jonas.id);
    // Emily asks for a person; Lukas says "not now"; Nadia checks her status (she has Windows Hello for Business).
    await chat.say(chat.person(emily.id), 'talk to a person');
    await chat.click(chat.person(lukas.id), CAMPAIGN_VERBS.snooze, { campaignId: started.started.id });
    await chat.say(chat.person(nadia.id), 'status');
    await until(async () => (await bot().service.store.get('enrolments', nadia.id)) !== undefined, 30_000);

    const reply = await chat.say(anna, 'team');
    const card = reply.cards[0] as Record<string, unknown>;
    const listed = teamCardRows(card);
    expect(listed.map((row) => row.name)).toEqual(['Jonas Meier', 'Emily Carter', 'Lukas Schmid', 'Nadia Haddad']);
    expect(listed[0]?.state).toBe('Said no; the decision is with you');
    expect(listed[1]?.state).toBe('Asked to talk to someone from the helpdesk');
    expect(listed[2]?.state).toMatch(/^Asked to be reminded later \(until .+\)$/);
    expect(listed[3]?.state).toBe('Passkey set up');
    expect(listed.map((row) => row.nudge)).toEqual([false, false, true, false]);
    expect(textsOf(card)).toContain('1 of 4 people have a passkey.');
    const everything = JSON.stringify(card);
    expect(everything).not.toMatch(/photos|employer|privacy|tracking/i);
  });

  it('shows exceptions, security keys, people who cannot be reached, invitations and those left out of the roll-out', async () => {
    const [mia, noah] = [people.user('Mia Rodriguez'), people.user('Noah Kim')];
    const campaignId = (await features().campaigns.records.latest())?.value.id ?? '';
    await features().messenger.markUnreachable(mia.id, 'blocked-app');
    await features().campaigns.onDecided(noah.id, campaignId, { choice: 'exception', until: inTwentyDays() });
    const listed = teamCardRows((await chat.say(chat.person(people.user('Ethan Brooks').id), 'team')).cards[0] as Record<string, unknown>);
    const byName = new Map(listed.map((row) => [row.name, row]));
    expect(byName.get('Mia Rodriguez')?.state).toBe('The coach cannot reach them in Teams');
    expect(byName.get('Noah Kim')?.state).toMatch(/^Exception until /);
    expect(byName.get('Ava Patel')?.state).toBe('Invited, not set up yet');
    expect(listed.map((row) => row.name)).toEqual(['Mia Rodriguez', 'Ava Patel', 'Noah Kim']);
    expect(listed.filter((row) => row.nudge).map((row) => row.name)).toEqual(['Ava Patel']);
    // Marcus gets a security key; someone the campaign did not target (Priya has a passkey) is left out of the roll-out.
    await features().campaigns.onDecided(people.user('Marcus Lindqvist').id, campaignId, { choice: 'security-key' });
    const helena = teamCardRows((await chat.say(chat.person(people.user('Helena Brandt').id), 'team')).cards[0] as Record<string, unknown>);
    expect(helena.find((row) => row.name === 'Marcus Lindqvist')?.state).toBe('Getting a security key');
    expect(helena.find((row) => row.name === 'Priya Raman')?.state).toBe('Not in the roll-out: had a passkey already, or is left out of it');
  });

  it("nudges a report once per MANAGER_NUDGE_DAYS, naming the manager, and refuses a nudge for someone who is not the clicker's", async () => {
    const anna = chat.person(people.user('Anna Keller').id);
    const lukas = people.user('Lukas Schmid');
    // In Lukas's own language, naming his manager.
    const fromAnna = people.saying(lukas.id, 'team.message.title', { manager: 'Anna Keller' });
    const before = people.received(lukas.id, fromAnna).length;
    const first = await chat.click(anna, TEAM_VERBS.nudge, { personId: lukas.id });
    expect(textsOf(first.value)).toContain("I'll nudge Lukas Schmid in their working hours and say it comes from you.");
    await until(() => people.received(lukas.id, fromAnna).length === before + 1, 30_000);
    const again = await chat.click(anna, TEAM_VERBS.nudge, { personId: lukas.id });
    expect(textsOf(again.value).join('\n')).toMatch(/Lukas Schmid was nudged on .+; you can nudge them again from .+\./);
    await until(() => outboxDrained(features()), 30_000);
    expect(people.received(lukas.id, fromAnna)).toHaveLength(before + 1);

    // A forged click for Ethan's report: refused, audited, nothing queued.
    const mia = people.user('Mia Rodriguez');
    const forged = await chat.click(anna, TEAM_VERBS.nudge, { personId: mia.id });
    expect(forged.value).toBe('Only a person\'s own manager can nudge them, and this person is not one of your direct reports.');
    expect(await bot().service.store.get('manager-nudges', mia.id)).toBeUndefined();
  });

  it('nudges everyone on the team a nudge helps, and says who was left out', async () => {
    const ethan = chat.person(people.user('Ethan Brooks').id);
    const ava = people.user('Ava Patel');
    const answer = await chat.click(ethan, TEAM_VERBS.nudgeAll);
    expect(textsOf(answer.value)).toContain("I'll nudge 1 person in their working hours and say it comes from you.");
    await until(() => people.received(ava.id, people.saying(ava.id, 'team.message.title', { manager: 'Ethan Brooks' })).length === 1, 30_000);
    const again = await chat.click(ethan, TEAM_VERBS.nudgeAll);
    expect(textsOf(again.value)).toContain('There is nobody to nudge: everyone on your team is set up, decided, or was nudged recently.');
  });

  it('walks the teams below for team all, within MANAGER_TEAM_ALL_LIMIT, by manager with counts', async () => {
    const reply = await chat.say(chat.person(people.user('Helena Brandt').id), 'team all');
    const texts = textsOf(reply.cards[0]);
    expect(texts[0]).toBe('Passkeys in the teams below you');
    expect(texts).toContain('Showing the first 10 people only: ask an admin for the full report.');
    expect(texts.some((text) => text.startsWith('Helena Brandt: '))).toBe(true);
    expect(JSON.stringify(reply.cards[0])).not.toContain(TEAM_VERBS.nudge);
  });

  it('lists team in the help card of managers only', async () => {
    const manager = await chat.say(chat.person(people.user('Anna Keller').id), 'help');
    const employee = await chat.say(chat.person(people.user('Lukas Schmid').id), 'help');
    expect(JSON.stringify(manager.cards[0])).toContain('team all');
    expect(JSON.stringify(employee.cards[0])).not.toContain('team all');
    void demo;
  });
});

describe('team: MANAGER_VIEW=aggregate', () => {
  const suite = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', MANAGER_VIEW: 'aggregate' }, { inMemory: true });
  it('shows counts per state and no names, and nudges only everyone at once', async () => {
    const anna = suite.chat.person(suite.people.user('Anna Keller').id);
    const card = (await suite.chat.say(anna, 'team')).cards[0] as Record<string, unknown>;
    const text = JSON.stringify(card);
    for (const name of ['Jonas', 'Emily', 'Lukas', 'Nadia']) expect(text).not.toContain(name);
    expect(textsOf(card)).toContain('Not invited yet: 4');
    expect(textsOf(card)).toContain('Your organisation shows managers counts rather than names.');
    const forged = await suite.chat.click(anna, TEAM_VERBS.nudge, { personId: suite.people.user('Jonas Meier').id });
    expect(forged.value).toBe('Your organisation shows managers counts rather than names, so a nudge goes to everyone not set up at once.');
    const all = await suite.chat.click(anna, TEAM_VERBS.nudgeAll);
    expect(textsOf(all.value)).toContain("I'll nudge 4 people in their working hours and say it comes from you.");
  });
});

describe('team: a nudge waits for the report’s working hours', () => {
  // A Saturday evening in Basel.
  const suite = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'true' }, { inMemory: true, startAt: '2026-12-05T19:00:00.000Z' });
  it("queues it for the next working morning in the report's mailbox time zone, not now", async () => {
    const anna = suite.chat.person(suite.people.user('Anna Keller').id);
    const jonas = suite.people.user('Jonas Meier');
    const answer = await suite.chat.click(anna, TEAM_VERBS.nudge, { personId: jonas.id });
    expect(textsOf(answer.value)).toContain("I'll nudge Jonas Meier in their working hours and say it comes from you.");
    const rows: OutboxRow[] = [];
    for await (const page of suite.bot().service.features.outbox.waiting()) rows.push(...page.map((record) => record.value));
    const row = rows.find((candidate) => candidate.kind === 'nudge' && candidate.userId === jonas.id);
    // Monday 09:00 in Europe/Zurich (UTC+1 in December).
    expect(row?.dueAt).toBe('2026-12-07T08:00:00.000Z');
    expect(isWithinWorkingHours(new Date(row?.dueAt ?? 0), 'Europe/Zurich', parseWorkingHours('09:00-17:00', 'mon-fri'))).toBe(true);
    expect(suite.people.received(jonas.id, suite.people.saying(jonas.id, 'team.message.title', { manager: 'Anna Keller' }))).toHaveLength(0);
  });
});
