// A decision's effect on the campaign, in fake time, against the real bot and both emulators: a refusal stops the
// nudges, an exception holds them until its date and the person is back in the campaign the day after, "require"
// puts them back on the reminder cadence, a security key stops the reminders for good. At every step the status card,
// the tab's progress view and the CSV export show the same figures, and the refusals stay counted after a decision.

import { beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_LABELS, type FigureId, type Figures, OUTCOMES } from '../../src/campaigns/campaign-figures.js';
import type { CampaignMember } from '../../src/campaigns/campaign-records.js';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { figuresEverywhere } from '../support/campaign-figures.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at, settle } from '../support/outreach-helpers.js';

// From Monday 30 November 2026.
const { bot, demo, chat } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', CAMPAIGN_REMINDER_DAYS: '3,7,12' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });
let campaignId = '';
let baseline: Figures;
/** How each figure should have moved since the baseline, by what the tests did. */
const moved: Partial<Record<FigureId, number>> = {};

beforeAll(async () => {
  const started = await outreach().campaigns.start({ name: 'Winter', deadline: '2027-02-26', waves: 1, by: { id: 'test-admin' } });
  if (!('started' in started)) throw new Error(started.refused);
  campaignId = started.started.id;
  await step('2026-11-30T10:00:00.000Z');
  baseline = await figuresEverywhere(bot, chat, admin());
}, 60_000);

const admin = () => chat.person(demo().seed.personas?.admin ?? '');

/** The figures that move by what a person does (the stages move by the deciders' own clicks too: not checked here). */
const CHECKED: FigureId[] = ['enrolled', ...OUTCOMES];

/** Records how the figures should move, then checks the card, the tab and the export against it. */
async function expectFigures(change: Partial<Record<FigureId, number>>): Promise<void> {
  for (const [id, by] of Object.entries(change) as [FigureId, number][]) moved[id] = (moved[id] ?? 0) + by;
  const shown = await figuresEverywhere(bot, chat, admin());
  for (const id of CHECKED) expect(shown[id], FIGURE_LABELS[id]).toBe(baseline[id] + (moved[id] ?? 0));
}

const REFUSED = { refusedEver: 1, refusedNow: 1, escalatedEver: 1, escalatedNow: 1 };
const DECIDED = { refusedNow: -1, escalatedNow: -1 };

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The person enrols in Graph and asks for their status: the coach sees the passkey. */
async function enrol(userId: string): Promise<void> {
  demo().graph.state.enrolMethod(userId, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Pixel 8', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' });
  demo().graph.state.resetThrottles();
  await chat.say(chat.person(userId), 'status');
  await waitFor(async () => (await member(userId))?.state === 'enrolled');
  await drain();
}

const outreach = () => bot().service.features;

const drain = () => settle(bot, { fakeClock: true });
const step = (iso: string) => at(bot, iso);

async function member(userId: string): Promise<CampaignMember | undefined> {
  return (await outreach().campaigns.records.member(campaignId, userId))?.value;
}

/** Members whose manager is an enabled person the bot can reach: the escalation goes to that manager. */
async function membersWithManagers(): Promise<{ employee: string; manager: string }[]> {
  const found: { employee: string; manager: string }[] = [];
  const users = new Map(demo().seed.users.map((user) => [user.id, user]));
  for await (const page of outreach().campaigns.records.members(campaignId)) {
    for (const { value } of page) {
      const manager = users.get(users.get(value.userId)?.managerId ?? '');
      if (manager?.accountEnabled && manager.teamsLicensed && manager.accountKind === 'person' && manager.id !== value.userId) found.push({ employee: value.userId, manager: manager.id });
    }
  }
  return found;
}

const nudgesTo = (userId: string) => demo().connector.activities({ userId, kind: 'send' }).filter((record) => /your passkey|settle the passkey/.test(JSON.stringify(record.activity)));
const cardFor = (managerId: string, employeeId: string): RecordedActivity | undefined => {
  const name = demo().seed.users.find((user) => user.id === employeeId)?.displayName ?? '';
  return demo().connector.activities({ userId: managerId, kind: 'send' }).find((record) => JSON.stringify(record.activity).includes(`${name} has said no to a passkey`));
};
function escalationIdOn(record: RecordedActivity | undefined): string {
  const attachments = (record?.activity.attachments ?? []) as { content?: { actions?: { data?: { escalationId?: string } }[] } }[];
  const id = attachments[0]?.content?.actions?.find((action) => action.data?.escalationId)?.data?.escalationId;
  if (!id) throw new Error('no decision card');
  return id;
}

async function refuseAndWait(employeeId: string): Promise<void> {
  await chat.click(chat.person(employeeId), 'refusal.confirm', { reason: 'personal-device' });
  const started = performance.now();
  while (!(await outreach().escalations.records.openFor(employeeId))) {
    if (performance.now() - started > 10_000) throw new Error('no escalation');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await drain();
}

describe('decisions and the campaign', () => {
  let pairs: { employee: string; manager: string }[] = [];

  it('invited everyone, and a refusal moves the person to "escalated" with the deadline on the manager’s card', async () => {
    const adminId = demo().seed.personas?.admin;
    pairs = (await membersWithManagers()).filter((pair, index, all) => all.findIndex((other) => other.manager === pair.manager) === index && pair.employee !== adminId && pair.manager !== adminId);
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    const { employee, manager } = pairs[0] ?? { employee: '', manager: '' };
    expect(nudgesTo(employee)).toHaveLength(1);
    await refuseAndWait(employee);
    expect((await member(employee))?.state).toBe('escalated');
    expect(JSON.stringify(cardFor(manager, employee)?.activity)).toMatch(/Roll-out deadline[^}]*Friday,? 26 February 2027/);
    await expectFigures(REFUSED);
  });

  it('an exception holds the reminders until its date; the day after, the person is back in the campaign and nudged', async () => {
    const { employee, manager } = pairs[0] ?? { employee: '', manager: '' };
    const answer = await chat.click(chat.person(manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(manager, employee)), choice: 'exception', until: '2026-12-10', justification: 'Waiting for a new phone' });
    expect(JSON.stringify(answer.value)).toContain('Decided by');
    await drain();
    expect(await member(employee)).toMatchObject({ state: 'escalated', decision: 'exception', exceptionUntil: '2026-12-10' });
    await expectFigures({ ...DECIDED, exceptionEver: 1, exceptionNow: 1 });
    await step('2026-12-03T00:30:00.000Z'); // day 3: everyone else is reminded
    await step('2026-12-07T00:30:00.000Z'); // day 7
    await step('2026-12-10T00:30:00.000Z'); // the exception's last day
    expect(nudgesTo(employee)).toHaveLength(1);
    await step('2026-12-11T00:30:00.000Z'); // still the 10th in the Americas: the exception covers the person's whole local day
    expect(nudgesTo(employee).length).toBe((await member(employee))?.state === 'escalated' ? 1 : 2);
    await step('2026-12-12T00:30:00.000Z'); // the day after, in every zone
    expect(nudgesTo(employee)).toHaveLength(2);
    expect(await member(employee)).toMatchObject({ state: 'replied' });
    expect((await member(employee))?.decision).toBeUndefined();
    await expectFigures({ exceptionNow: -1 });
  });

  it('"require enrolment" puts the person back on the reminder cadence; a security key stops reminders for good', async () => {
    const [, required, keyed] = pairs;
    if (!required || !keyed) throw new Error('not enough people with managers');
    await refuseAndWait(required.employee);
    await refuseAndWait(keyed.employee);
    await expectFigures({ refusedEver: 2, refusedNow: 2, escalatedEver: 2, escalatedNow: 2 });
    await chat.click(chat.person(required.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(required.manager, required.employee)), choice: 'require' });
    await chat.click(chat.person(keyed.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(keyed.manager, keyed.employee)), choice: 'security-key' });
    await drain();
    expect(await member(required.employee)).toMatchObject({ state: 'replied', decision: 'require' });
    expect((await member(required.employee))?.nextNudgeAt).toBeDefined();
    expect(await member(keyed.employee)).toMatchObject({ state: 'escalated', decision: 'security-key' });
    await expectFigures({ refusedNow: -2, escalatedNow: -2 });
    const before = { required: nudgesTo(required.employee).length, keyed: nudgesTo(keyed.employee).length };
    await step('2026-12-16T00:30:00.000Z'); // a snooze's length (3 days) after the decision: the reminder is queued…
    await step('2026-12-17T00:30:00.000Z'); // …and sent
    expect(nudgesTo(required.employee).length).toBe(before.required + 1);
    expect(nudgesTo(keyed.employee).length).toBe(before.keyed);
  });

  it('"I\'ll talk to them" keeps the refusal waiting; enrolling meanwhile settles it, and the refusal stays counted', async () => {
    const talked = pairs[3];
    if (!talked) throw new Error('not enough people with managers');
    await refuseAndWait(talked.employee);
    await expectFigures(REFUSED);
    const answer = await chat.click(chat.person(talked.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(talked.manager, talked.employee)), choice: 'talk' });
    expect(JSON.stringify(answer.value)).toContain("I'll ask again");
    await drain();
    expect(await member(talked.employee)).toMatchObject({ state: 'escalated' });
    await expectFigures({});
    await enrol(talked.employee);
    expect((await outreach().escalations.records.get(escalationIdOn(cardFor(talked.manager, talked.employee))))?.value.state).toBe('withdrawn');
    await expectFigures({ enrolled: 1, ...DECIDED });
  });

  it('counts someone who enrols after their exception ended as enrolled, and still as refused and excepted once', async () => {
    const { employee } = pairs[0] ?? { employee: '' };
    await enrol(employee);
    await expectFigures({ enrolled: 1 });
  });

  it('counts a snooze now until the postponed reminder is due, and ever after', async () => {
    const taken = new Set(pairs.flatMap((pair) => [pair.employee, pair.manager]));
    let snoozer: CampaignMember | undefined;
    for await (const page of outreach().campaigns.records.members(campaignId)) {
      snoozer ??= page.map((record) => record.value).find((candidate) => candidate.state === 'reached' && candidate.snoozes === 0 && !taken.has(candidate.userId) && candidate.userId !== demo().seed.personas?.admin);
    }
    if (!snoozer) throw new Error('nobody to snooze');
    const answer = await chat.click(chat.person(snoozer.userId), 'campaign.snooze', { campaignId });
    expect(JSON.stringify(answer)).toMatch(/remind you in 3 days/);
    await expectFigures({ snoozedEver: 1, snoozedNow: 1 });
    const until = (await member(snoozer.userId))?.snoozedUntil ?? '';
    await step(new Date(Date.parse(until) + 3600_000).toISOString());
    await expectFigures({ snoozedNow: -1 });
  });

  it('a refusal after "require enrolment" waits for a new decision, and is not counted twice as refused', async () => {
    const [, required] = pairs;
    if (!required) throw new Error('not enough people with managers');
    await refuseAndWait(required.employee);
    expect(await member(required.employee)).toMatchObject({ state: 'escalated' });
    expect((await member(required.employee))?.decision).toBeUndefined();
    await expectFigures({ refusedNow: 1, escalatedNow: 1 });
    // The second "require" is applied like the first: the person is back on the reminders.
    const cards = demo().connector.activities({ userId: required.manager, kind: 'send' }).filter((record) => JSON.stringify(record.activity).includes('has said no to a passkey'));
    await chat.click(chat.person(required.manager), 'escalation.decide', { escalationId: escalationIdOn(cards.at(-1)), choice: 'require' });
    await drain();
    expect(await member(required.employee)).toMatchObject({ state: 'replied', decision: 'require' });
    await expectFigures(DECIDED);
  });
});
