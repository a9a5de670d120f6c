// A decision's effect on the campaign, in fake time, against the real bot and both emulators: a refusal stops the
// nudges, an exception holds them until its date and the person is back in the campaign the day after, "require"
// puts them back on the reminder cadence, a security key stops the reminders for good.

import { beforeAll, describe, expect, it } from 'vitest';
import type { CampaignMember } from '../../src/campaigns/campaign-records.js';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { at, settle } from '../support/outreach-helpers.js';

// From Monday 30 November 2026.
const { bot, demo, chat } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', CAMPAIGN_REMINDER_DAYS: '3,7,12' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });
let campaignId = '';

beforeAll(async () => {
  const started = await outreach().campaigns.start({ name: 'Winter', deadline: '2027-02-26', waves: 1, by: { id: 'test-admin' } });
  if (!('started' in started)) throw new Error(started.refused);
  campaignId = started.started.id;
  await step('2026-11-30T10:00:00.000Z');
}, 60_000);

const outreach = () => bot().service.outreach;

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
    pairs = (await membersWithManagers()).filter((pair, index, all) => all.findIndex((other) => other.manager === pair.manager) === index);
    expect(pairs.length).toBeGreaterThanOrEqual(3);
    const { employee, manager } = pairs[0] ?? { employee: '', manager: '' };
    expect(nudgesTo(employee)).toHaveLength(1);
    await refuseAndWait(employee);
    expect((await member(employee))?.state).toBe('escalated');
    expect(JSON.stringify(cardFor(manager, employee)?.activity)).toMatch(/Roll-out deadline[^}]*Friday,? 26 February 2027/);
  });

  it('an exception holds the reminders until its date; the day after, the person is back in the campaign and nudged', async () => {
    const { employee, manager } = pairs[0] ?? { employee: '', manager: '' };
    const answer = await chat.click(chat.person(manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(manager, employee)), choice: 'exception', until: '2026-12-10', justification: 'Waiting for a new phone' });
    expect(JSON.stringify(answer.value)).toContain('Decided by');
    await drain();
    expect(await member(employee)).toMatchObject({ state: 'escalated', decision: 'exception', exceptionUntil: '2026-12-10' });
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
  });

  it('"require enrolment" puts the person back on the reminder cadence; a security key stops reminders for good', async () => {
    const [, required, keyed] = pairs;
    if (!required || !keyed) throw new Error('not enough people with managers');
    await refuseAndWait(required.employee);
    await refuseAndWait(keyed.employee);
    await chat.click(chat.person(required.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(required.manager, required.employee)), choice: 'require' });
    await chat.click(chat.person(keyed.manager), 'escalation.decide', { escalationId: escalationIdOn(cardFor(keyed.manager, keyed.employee)), choice: 'security-key' });
    await drain();
    expect(await member(required.employee)).toMatchObject({ state: 'replied', decision: 'require' });
    expect((await member(required.employee))?.nextNudgeAt).toBeDefined();
    expect(await member(keyed.employee)).toMatchObject({ state: 'escalated', decision: 'security-key' });
    const before = { required: nudgesTo(required.employee).length, keyed: nudgesTo(keyed.employee).length };
    await step('2026-12-16T00:30:00.000Z'); // a snooze's length (3 days) after the decision: the reminder is queued…
    await step('2026-12-17T00:30:00.000Z'); // …and sent
    expect(nudgesTo(required.employee).length).toBe(before.required + 1);
    expect(nudgesTo(keyed.employee).length).toBe(before.keyed);
  });
});
