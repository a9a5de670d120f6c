// A decision's effect on the campaign, in fake time, against the real bot and both emulators: a refusal stops the
// nudges, an exception holds them until its date and the person is back in the campaign the day after, "require"
// puts them back on the reminder cadence, a security key stops the reminders for good. At every step the status card,
// the tab's progress view and the CSV export show the same figures, and the refusals stay counted after a decision.

import { describe, expect, it, vi } from 'vitest';
import { FIGURE_LABELS, type FigureId, OUTCOMES } from '../../src/campaigns/campaign-figures.js';
import type { CampaignMember } from '../../src/campaigns/campaign-records.js';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { figuresEverywhere } from '../support/campaign-figures.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at, settle } from '../support/outreach-helpers.js';
import { isNudge } from '../support/campaign-nudges.js';
import { inJson, recipientWords } from '../support/recipient-words.js';

// From Monday 30 November 2026.
const { bot, demo, chat, people } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', CAMPAIGN_REMINDER_DAYS: '3,7,12' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const admin = () => chat.person(demo().seed.personas?.admin ?? '');
const outreach = () => bot().service.features;
const drain = () => settle(bot, { fakeClock: true });
const step = (iso: string) => at(bot, iso);
/** Each manager reads the card in their own language. */
const words = recipientWords(demo);

/** The figures that move by what a person does (the stages move by the deciders' own clicks too: not checked here). */
const CHECKED: FigureId[] = ['enrolled', ...OUTCOMES];

const REFUSED = { refusedEver: 1, refusedNow: 1, escalatedEver: 1, escalatedNow: 1 };
const DECIDED = { refusedNow: -1, escalatedNow: -1 };

interface Campaign {
  id: string;
  /** YYYY-MM-DD, a Friday twelve weeks on. */
  deadline: string;
  /** `days` after the campaign started (a Monday, 10:00 UTC), at `hour` UTC. */
  on(days: number, hour: number): string;
  /** A local date `days` after the start, YYYY-MM-DD. */
  date(days: number): string;
  /** Records how the figures should move from where they stood once everyone was invited, then checks the card, the tab and the export against that. */
  expectFigures(change: Partial<Record<FigureId, number>>): Promise<void>;
  member(userId: string): Promise<CampaignMember | undefined>;
  /** Invitations and reminders the person got from this campaign. */
  nudgesTo(userId: string): RecordedActivity[];
}

/**
 * Each test runs its own campaign in weeks of its own, so its figures are its own: a campaign left running is ended,
 * the clock goes to 10:00 UTC on a Monday at least a week after it stands (time only moves forward, whichever test
 * ran before), the campaign starts, and everyone is invited at once (working hours are off here).
 */
async function freshCampaign(): Promise<Campaign> {
  await outreach().campaigns.finish({ id: 'test-admin' });
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 7, 10));
  while (monday.getUTCDay() !== 1) monday.setUTCDate(monday.getUTCDate() + 1);
  vi.setSystemTime(monday);
  const since = monday.getTime();
  const date = (days: number) => new Date(since + days * 86_400_000).toISOString().slice(0, 10);
  const deadline = date(7 * 12 + 4);
  const started = await outreach().campaigns.start({ name: 'Winter', deadline, waves: 1, by: { id: 'test-admin' } });
  if (!('started' in started)) throw new Error(started.refused);
  const id = started.started.id;
  await step(monday.toISOString());
  const baseline = await figuresEverywhere(bot, chat, admin());
  const moved: Partial<Record<FigureId, number>> = {};
  return {
    id,
    deadline,
    on: (days, hour) => new Date(since + days * 86_400_000 + (hour - 10) * 3_600_000).toISOString(),
    date,
    async expectFigures(change) {
      for (const [figure, by] of Object.entries(change) as [FigureId, number][]) moved[figure] = (moved[figure] ?? 0) + by;
      const shown = await figuresEverywhere(bot, chat, admin());
      for (const figure of CHECKED) expect(shown[figure], FIGURE_LABELS[figure]).toBe(baseline[figure] + (moved[figure] ?? 0));
    },
    member: async (userId) => (await outreach().campaigns.records.member(id, userId))?.value,
    nudgesTo: (userId) =>
      demo()
        .connector.activities({ userId, kind: 'send' })
        .filter((record) => record.time >= since && isNudge(record.activity)),
  };
}

/** An employee this file's campaigns target, and the manager their refusal goes to; each test has its own. */
function pair(employeeName: string, managerName: string): { employee: string; manager: string } {
  const employee = people.user(employeeName);
  const manager = people.user(managerName);
  if (employee.managerId !== manager.id) throw new Error(`${managerName} is not ${employeeName}'s manager in the demo tenant`);
  return { employee: employee.id, manager: manager.id };
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The person enrols in Graph and asks for their status: the coach sees the passkey. */
async function enrol(campaign: Campaign, userId: string): Promise<void> {
  demo().graph.state.enrolMethod(userId, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Pixel 8', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' });
  demo().graph.state.resetThrottles();
  await chat.say(chat.person(userId), 'status');
  await waitFor(async () => (await campaign.member(userId))?.state === 'enrolled');
  await drain();
}

/** The manager's card about the employee: the first one, or the latest. */
const cardsFor = (managerId: string, employeeId: string): RecordedActivity[] => {
  const name = demo().seed.users.find((user) => user.id === employeeId)?.displayName ?? '';
  return demo()
    .connector.activities({ userId: managerId, kind: 'send' })
    .filter((record) => JSON.stringify(record.activity).includes(inJson(words.say(managerId, 'escalation.card.title', { name }))));
};
const cardFor = (managerId: string, employeeId: string): RecordedActivity | undefined => cardsFor(managerId, employeeId)[0];

function escalationIdOn(record: RecordedActivity | undefined): string {
  const attachments = (record?.activity.attachments ?? []) as { content?: { actions?: { data?: { escalationId?: string } }[] } }[];
  const id = attachments[0]?.content?.actions?.find((action) => action.data?.escalationId)?.data?.escalationId;
  if (!id) throw new Error('no decision card');
  return id;
}

async function refuseAndWait(employeeId: string): Promise<void> {
  const openBefore = (await outreach().escalations.records.openFor(employeeId))?.value.id;
  await chat.click(chat.person(employeeId), 'refusal.confirm', { reason: 'personal-device' });
  const started = performance.now();
  for (;;) {
    const open = (await outreach().escalations.records.openFor(employeeId))?.value.id;
    if (open && open !== openBefore) break;
    if (performance.now() - started > 10_000) throw new Error('no escalation');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await drain();
}

describe('decisions and the campaign', () => {
  it('invited everyone, and a refusal moves the person to "escalated" with the deadline on the manager’s card', async () => {
    const campaign = await freshCampaign();
    const { employee, manager } = pair('Élodie Martin', 'Lena Hoffmann');
    expect(campaign.nudgesTo(employee)).toHaveLength(1);
    await refuseAndWait(employee);
    expect((await campaign.member(employee))?.state).toBe('escalated');
    // Lena Hoffmann reads German: the deadline is labelled and written as in German.
    expect(words.languageOf(manager)).toBe('de');
    const deadline = new Date(`${campaign.deadline}T12:00:00Z`);
    const [weekday, day, month, year] = ['weekday', 'day', 'month', 'year'].map((part) => new Intl.DateTimeFormat('de', { [part]: part === 'weekday' || part === 'month' ? 'long' : 'numeric', timeZone: 'UTC' }).format(deadline));
    expect(weekday).toBe('Freitag');
    expect(JSON.stringify(cardFor(manager, employee)?.activity)).toMatch(new RegExp(`${words.say(manager, 'escalation.facts.deadline')}[^}]*${weekday},? ${day}\\.? ${month} ${year}`));
    await campaign.expectFigures(REFUSED);
  });

  it('an exception holds the reminders until its date; the day after, the person is back in the campaign and nudged', async () => {
    const campaign = await freshCampaign();
    // In Chicago: at 00:30 UTC it is still the day before there.
    const { employee, manager } = pair('Noah Kim', 'Ethan Brooks');
    await refuseAndWait(employee);
    await campaign.expectFigures(REFUSED);
    const until = campaign.date(10);
    const answer = await chat.click(chat.person(manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(manager, employee)), choice: 'exception', until, justification: 'Waiting for a new phone' });
    expect(JSON.stringify(answer.value)).toContain('Decided by');
    await drain();
    expect(await campaign.member(employee)).toMatchObject({ state: 'escalated', decision: 'exception', exceptionUntil: until });
    await campaign.expectFigures({ ...DECIDED, exceptionEver: 1, exceptionNow: 1 });
    await step(campaign.on(3, 0.5)); // day 3: everyone else is reminded
    await step(campaign.on(7, 0.5)); // day 7
    await step(campaign.on(10, 0.5)); // the exception's last day
    expect(campaign.nudgesTo(employee)).toHaveLength(1);
    await step(campaign.on(11, 0.5)); // still the 10th in Chicago: the exception covers the person's whole local day
    expect(campaign.nudgesTo(employee)).toHaveLength(1);
    expect((await campaign.member(employee))?.state).toBe('escalated');
    await step(campaign.on(12, 0.5)); // the day after, in every zone
    expect(campaign.nudgesTo(employee)).toHaveLength(2);
    expect(await campaign.member(employee)).toMatchObject({ state: 'replied' });
    expect((await campaign.member(employee))?.decision).toBeUndefined();
    await campaign.expectFigures({ exceptionNow: -1 });
  });

  it('"require enrolment" puts the person back on the reminder cadence; a security key stops reminders for good', async () => {
    const campaign = await freshCampaign();
    const required = pair('Charlotte Evans', 'James Whitfield');
    const keyed = pair('Felix Wagner', 'Sarah Goldberg');
    await refuseAndWait(required.employee);
    await refuseAndWait(keyed.employee);
    await campaign.expectFigures({ refusedEver: 2, refusedNow: 2, escalatedEver: 2, escalatedNow: 2 });
    await chat.click(chat.person(required.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(required.manager, required.employee)), choice: 'require' });
    await chat.click(chat.person(keyed.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(keyed.manager, keyed.employee)), choice: 'security-key' });
    await drain();
    expect(await campaign.member(required.employee)).toMatchObject({ state: 'replied', decision: 'require' });
    expect((await campaign.member(required.employee))?.nextNudgeAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await campaign.member(keyed.employee)).toMatchObject({ state: 'escalated', decision: 'security-key' });
    await campaign.expectFigures({ refusedNow: -2, escalatedNow: -2 });
    const before = { required: campaign.nudgesTo(required.employee).length, keyed: campaign.nudgesTo(keyed.employee).length };
    await step(campaign.on(4, 0.5)); // a snooze's length (3 days) after the decision: the reminder is queued…
    await step(campaign.on(5, 0.5)); // …and sent
    expect(campaign.nudgesTo(required.employee).length).toBe(before.required + 1);
    expect(campaign.nudgesTo(keyed.employee).length).toBe(before.keyed);
  });

  it('"I\'ll talk to them" keeps the refusal waiting; enrolling meanwhile settles it, and the refusal stays counted', async () => {
    const campaign = await freshCampaign();
    const talked = pair('Jonas Meier', 'Anna Keller');
    await refuseAndWait(talked.employee);
    await campaign.expectFigures(REFUSED);
    const answer = await chat.click(chat.person(talked.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(talked.manager, talked.employee)), choice: 'talk' });
    expect(JSON.stringify(answer.value)).toContain("I'll ask again");
    await drain();
    expect(await campaign.member(talked.employee)).toMatchObject({ state: 'escalated' });
    await campaign.expectFigures({});
    await enrol(campaign, talked.employee);
    expect((await outreach().escalations.records.get(escalationIdOn(cardFor(talked.manager, talked.employee))))?.value.state).toBe('withdrawn');
    await campaign.expectFigures({ enrolled: 1, ...DECIDED });
  });

  it('counts someone who enrols after their exception ended as enrolled, and still as refused and excepted once', async () => {
    const campaign = await freshCampaign();
    const { employee, manager } = pair('Camille Bernard', 'Pierre Dubois');
    await refuseAndWait(employee);
    await campaign.expectFigures(REFUSED);
    await chat.click(chat.person(manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(manager, employee)), choice: 'exception', until: campaign.date(2), justification: 'Away this week' });
    await drain();
    await campaign.expectFigures({ ...DECIDED, exceptionEver: 1, exceptionNow: 1 });
    await step(campaign.on(3, 12)); // Thursday everywhere: the exception ended on Wednesday
    expect(await campaign.member(employee)).toMatchObject({ state: 'replied' });
    await campaign.expectFigures({ exceptionNow: -1 });
    await enrol(campaign, employee);
    await campaign.expectFigures({ enrolled: 1 });
  });

  it('counts a snooze now until the postponed reminder is due, and ever after', async () => {
    const campaign = await freshCampaign();
    const snoozer = people.user('Lukas Schmid').id;
    expect(await campaign.member(snoozer)).toMatchObject({ state: 'reached', snoozes: 0 });
    const answer = await chat.click(chat.person(snoozer), 'campaign.snooze', { campaignId: campaign.id });
    expect(JSON.stringify(answer)).toMatch(/remind you in 3 days/);
    await campaign.expectFigures({ snoozedEver: 1, snoozedNow: 1 });
    const until = (await campaign.member(snoozer))?.snoozedUntil ?? '';
    await step(new Date(Date.parse(until) + 3600_000).toISOString());
    await campaign.expectFigures({ snoozedNow: -1 });
  });

  it('a refusal after "require enrolment" waits for a new decision, and is not counted twice as refused', async () => {
    const campaign = await freshCampaign();
    const required = pair('Emily Carter', 'Anna Keller');
    await refuseAndWait(required.employee);
    await campaign.expectFigures(REFUSED);
    await chat.click(chat.person(required.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(required.manager, required.employee)), choice: 'require' });
    await drain();
    expect(await campaign.member(required.employee)).toMatchObject({ state: 'replied', decision: 'require' });
    await campaign.expectFigures(DECIDED);
    await refuseAndWait(required.employee);
    expect(await campaign.member(required.employee)).toMatchObject({ state: 'escalated' });
    expect((await campaign.member(required.employee))?.decision).toBeUndefined();
    await campaign.expectFigures({ refusedNow: 1, escalatedNow: 1 });
    // The second "require" is applied like the first: the person is back on the reminders.
    await chat.click(chat.person(required.manager), 'escalation.decide', { escalationId: escalationIdOn(cardsFor(required.manager, required.employee).at(-1)), choice: 'require' });
    await drain();
    expect(await campaign.member(required.employee)).toMatchObject({ state: 'replied', decision: 'require' });
    await campaign.expectFigures(DECIDED);
  });
});
