// A process killed while targeting can leave a person added to the campaign without their invitation queued (the two
// are separate writes). The next pass over the report must queue it, though it skips people the campaign already has.

import { describe, expect, it } from 'vitest';
import { outboxLogPartition } from '../../src/outbox/outbox.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { outboxDrained, until } from '../support/waiting.js';
import { nudgeOf } from '../support/campaign-nudges.js';

const { bot, demo } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { inMemory: true });

const outreach = () => bot().service.features;
const invitationsTo = (userId: string) => demo().connector.activities({ userId, kind: 'send' }).filter((record) => nudgeOf(record.activity)?.step === 'invite');

const idle = () => outboxDrained(outreach());

describe('targeting after a crash', () => {
  it('queues the invitation of someone added just before the process died, and sends it once', async () => {
    const started = await outreach().campaigns.start({ name: 'Crashy', deadline: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    outreach().scheduler.kick();
    await until(async () => (await outreach().campaigns.records.get(campaignId))?.value.state === 'running');
    await until(idle, 60_000);

    // What the crash leaves: the member as added (pending, never nudged), no invitation queued, none logged.
    const members = [];
    for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
    const victim = members.find((member) => member.state === 'reached');
    if (!victim) throw new Error('nobody was reached');
    const { reachedAt: _reachedAt, lastNudgeLocalDate: _date, nextNudgeAt: _next, ...added } = victim;
    await outreach().campaigns.records.updateMember(campaignId, victim.userId, () => ({ ...added, state: 'pending', nudges: 0 }));
    await bot().service.store.delete(outboxLogPartition(campaignId), `${victim.userId}|invite`);
    const before = invitationsTo(victim.userId).length;

    // The next pass over the report (here the daily refresh) walks past people the campaign already has.
    await outreach().campaigns.records.update(campaignId, (campaign) => ({ ...campaign, lastWaveDate: '2000-01-01' }));
    await outreach().campaigns.tick();
    outreach().sender.wake();
    await until(async () => invitationsTo(victim.userId).length > before);
    await until(idle);

    expect(invitationsTo(victim.userId)).toHaveLength(before + 1);
    expect((await outreach().campaigns.records.member(campaignId, victim.userId))?.value.state).toBe('reached');
    // Nobody else was invited again.
    for (const member of members) if (member.userId !== victim.userId && member.state === 'reached') expect(invitationsTo(member.userId), member.displayName).toHaveLength(1);
  }, 120_000);
});
