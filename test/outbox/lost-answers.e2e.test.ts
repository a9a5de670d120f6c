// Connections reset after Teams accepted a message: the sender cannot know it arrived, so the row stays queued and
// is sent again. The bound the README states: one extra copy per answer lost this way (and, apart from these, at most
// OUTREACH_CONCURRENCY per crash). A lost answer spends no attempt: a person whose answers keep getting lost is
// reached in the end, not given up as unreachable.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { outages } from '../support/outages.js';
import { until } from '../support/waiting.js';

// Monday 30 November 2026, 10:00 UTC.
const { bot, demo, chat, people } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', OUTREACH_CONCURRENCY: '4' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;
const outage = outages(bot);
const invitations = (userId: string) => people.invitations(userId);

async function campaign(name: string): Promise<string> {
  const active = await outreach().campaigns.records.active();
  if (active) await outreach().campaigns.finish({ id: 'test-admin' });
  const started = await outreach().campaigns.start({ name, deadline: '2026-12-20', waves: 1, by: { id: 'test-admin' } });
  if (!('started' in started)) throw new Error(started.refused);
  await outreach().scheduler.runOnce();
  await until(async () => (await outreach().campaigns.records.get(started.started.id))?.value.state === 'running');
  return started.started.id;
}

async function membersOf(campaignId: string) {
  const members = [];
  for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
  return members;
}

describe('answers lost after Teams accepted the message', () => {
  it('sends again after each, one copy per lost answer, and reaches the person in the end (eight in a row used to give them up)', async () => {
    const person = chat.person(people.user('Maria Gonzalez').id);
    // She has written to the bot: it knows her chat, and sends into it.
    await chat.say(person, 'help');
    const lost = 8;
    demo().connector.faults.add({ method: 'POST', path: `/v3/conversations/${person.conversationId}/activities`, drop: 'answer', times: lost });
    const campaignId = await campaign('Lost answers');
    await outage.drain(5 * 60_000);
    const member = (await outreach().campaigns.records.member(campaignId, person.id))?.value;
    expect(member?.state).toBe('reached');
    expect(invitations(person.id)).toHaveLength(lost + 1);
    for await (const page of outreach().outbox.log(campaignId)) for (const { userId, entry } of page) if (userId === person.id) expect(entry).toMatchObject({ outcome: 'sent', attempts: 1 });
  }, 180_000);

  it('keeps duplicates to the answers lost when they fall on many people, and loses nobody', async () => {
    const lost = 10;
    const before = new Map<string, number>();
    for (const user of demo().seed.users) before.set(user.id, invitations(user.id).length);
    const fault = demo().connector.faults.add({ method: 'POST', path: '/v3/conversations', drop: 'answer', times: lost });
    const campaignId = await campaign('Resets everywhere');
    await outage.drain(5 * 60_000);
    expect(demo().connector.faults.list().find((candidate) => candidate.id === fault)).toBeUndefined();
    const members = await membersOf(campaignId);
    let duplicates = 0;
    for (const member of members) {
      expect(member.state, member.displayName).toBe('reached');
      const copies = invitations(member.userId).length - (before.get(member.userId) ?? 0);
      expect(copies, member.displayName).toBeGreaterThanOrEqual(1);
      duplicates += copies - 1;
    }
    expect(duplicates).toBe(lost);
  }, 180_000);
});
