// Teams refusing the whole tenant (the bot's credentials refused: 401 for everyone) pauses sending instead of
// re-queuing rows forever or giving them up: the log has an error at once, the status card says why, the admins get a
// notice, only probes reach Teams while it lasts, and the first probe that gets through resumes sending for everyone.
// A Teams admin blocking the app for one person only ends that person's row, and pauses nothing.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { outages } from '../support/outages.js';
import { until } from '../support/waiting.js';

// Monday 30 November 2026, 10:00 UTC.
const { bot, chat, people, demo } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', OUTREACH_CONCURRENCY: '4' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;
const outage = outages(bot);

async function membersOf(campaignId: string) {
  const members = [];
  for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
  return members;
}

describe('Teams refusing the bot for the whole tenant', () => {
  it('pauses, tells the log, the status card and the admins, probes, and resumes when Teams accepts the bot again', async () => {
    const admin = chat.person(people.members('campaign-admins')[0] ?? '');
    const started = await outreach().campaigns.start({ name: 'Credentials', deadline: '2026-12-20', waves: 1, by: { id: admin.id } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    let card = '';
    const { faulted } = await outage.connector(
      30 * 60_000,
      async () => {
        await outreach().scheduler.runOnce();
        await until(async () => (await outreach().campaigns.records.get(campaignId))?.value.state === 'running');
        await outage.quiet();
        // The admin asks while it is paused: the answer comes in the turn's own HTTP response, which needs no token.
        card = JSON.stringify((await chat.say(admin, 'campaign status')).cards[0]);
      },
      // Probes go after 10, 20 and 40 s, then every minute: the first one after Teams is back resumes sending.
      { fault: { path: '/v3/', status: 401 }, drainWithinMs: 3 * 60_000 },
    );
    expect(card).toContain('Sending is paused since 10:00 UTC');
    expect(card).toContain("Teams does not accept the bot's credentials");
    const errors = bot().logs.entries().filter((entry) => entry.level === 'error' && String(entry.msg).startsWith('Teams refuses the coach for the whole tenant'));
    expect(errors).toHaveLength(1);
    // Three people refused pause it (with the rest of the four in flight); then only probes, after 10, 20, 40 s and
    // every minute after that, some 31 in half an hour: not 8 tries a person.
    const members = await membersOf(campaignId);
    expect(faulted).toBeLessThanOrEqual(4 + 3 + 32);
    for (const member of members) {
      expect(member.state, member.displayName).toBe('reached');
      expect(people.invitations(member.userId), member.displayName).toHaveLength(1);
    }
    for await (const page of outreach().outbox.log(campaignId)) for (const { entry } of page) expect(entry).toMatchObject({ outcome: 'sent', attempts: 1 });
    // Each admin reads the notice in their own language, the time as their language writes it.
    const admins = people.members('campaign-admins');
    for (const id of admins) expect(people.received(id, people.saying(id, 'sending.notice.title')), id).toHaveLength(1);
    const languages = new Set(admins.map((id) => demo().seed.users.find((user) => user.id === id)?.preferredLanguage?.slice(0, 2) ?? 'en'));
    expect(languages.size, 'the campaign admins of the demo tenant speak more than one language').toBeGreaterThan(1);
  }, 240_000);

  it("ends the row of one person an admin's policy blocks, without pausing anyone else", async () => {
    const blocked = chat.person(people.user('Maria Gonzalez').id);
    const fault = demo().connector.faults.add({ method: 'POST', path: `/v3/conversations/${blocked.conversationId}/activities`, status: 403, code: 'BotDisabledByAdmin', message: 'The tenant admin disabled this bot' });
    const active = (await outreach().campaigns.records.active())?.value;
    if (!active) throw new Error('no campaign');
    await outreach().campaigns.finish({ id: 'test-admin' });
    const started = await outreach().campaigns.start({ name: 'One blocked', deadline: '2026-12-20', waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    await outreach().scheduler.runOnce();
    await until(async () => (await outreach().campaigns.records.get(started.started.id))?.value.state === 'running');
    await outage.drain(5 * 60_000);
    demo().connector.faults.remove(fault);
    const members = await membersOf(started.started.id);
    const gone = members.find((member) => member.userId === blocked.id);
    expect(gone).toMatchObject({ state: 'unreachable', reason: 'no-teams: a Teams admin has blocked the app for this person' });
    for (const member of members.filter((candidate) => candidate.userId !== blocked.id)) expect(member.state, member.displayName).toBe('reached');
    expect(bot().logs.entries().filter((entry) => String(entry.msg).startsWith('Teams refuses the coach for the whole tenant'))).toHaveLength(1);
  }, 240_000);
});
