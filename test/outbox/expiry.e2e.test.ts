// A message whose moment passes while Teams is down ends as expired, never as lost and never silently: invitations
// once the campaign has ended (counted on the status card, the tab and the CSV, with the reason, and in the log), and
// approval cards once their pass request has lapsed.

import { describe, expect, it } from 'vitest';
import { figuresEverywhere } from '../support/campaign-figures.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { outages } from '../support/outages.js';
import { until } from '../support/waiting.js';

// Monday 30 November 2026, 10:00 UTC.
const { bot, chat, people } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', OUTREACH_CONCURRENCY: '4', TAP_REQUEST_MINUTES: '5' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;
/** The reason as the card, the tab, the CSV and the log give it. */
const ENDED = 'the campaign had ended';
const outage = outages(bot);

describe('messages whose moment passes during an outage', () => {
  it('expires the invitations of a campaign that ended first, and says so on the card, in the tab, in the CSV and in the log', async () => {
    const admin = chat.person(people.members('campaign-admins')[0] ?? '');
    const started = await outreach().campaigns.start({ name: 'Cut short', deadline: '2026-12-20', waves: 1, by: { id: admin.id } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    await outage.connector(5 * 60_000, async () => {
      await outreach().scheduler.runOnce();
      await until(async () => (await outreach().campaigns.records.get(campaignId))?.value.state === 'running');
      await outage.quiet();
      expect((await outage.queued()).length).toBeGreaterThan(10);
      await outreach().campaigns.finish({ id: admin.id });
    });

    const members = [];
    for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
    for (const member of members) {
      expect(member, member.displayName).toMatchObject({ state: 'pending', expiredReason: ENDED });
      expect(people.invitations(member.userId), member.displayName).toHaveLength(0);
    }
    for await (const page of outreach().outbox.log(campaignId)) for (const { entry } of page) expect(entry).toMatchObject({ outcome: 'expired', reason: ENDED });

    const figures = await figuresEverywhere(bot, chat, admin);
    expect(figures.expired).toBe(members.length);
    expect(figures.unreachable).toBe(0);
    const card = JSON.stringify((await chat.say(admin, 'campaign status')).cards[0]);
    expect(card).toContain('A message expired unsent (not lost: its moment had passed)');
    expect(card).toContain(`The campaign had ended`);
    const tab = await bot().service.tab.progress({ id: admin.id, name: admin.name }, 'en', Date.now() + 1e9);
    expect(tab.expired).toEqual([{ reason: 'The campaign had ended', count: members.length }]);
    const logged = bot().logs.entries().filter((line) => line.msg === 'messages expired unsent: their moment had passed');
    expect(logged.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged)).toContain(ENDED);
  }, 180_000);

  it('expires the approval cards of a pass request that lapsed first; no approver gets a card to act on', async () => {
    const agent = chat.person(people.user('Marek Dąbrowski').id);
    const reply = await chat.say(agent, `tap request ${people.user('Ava Patel').userPrincipalName}`);
    const requestId = (reply.cards[0]?.actions as { data?: { requestId?: string } }[] | undefined)?.[0]?.data?.requestId;
    if (!requestId) throw new Error('no request form');
    await outage.connector(10 * 60_000, async () => {
      await chat.click(agent, 'tap.submit', { requestId, check: 'video-id', note: 'Passport on camera', reason: 'Lost phone, needs a new passkey', lifetime: '60', oneTime: 'true' });
      await outage.quiet();
    });
    for (const approver of people.members('tap-approvers')) expect(people.received(approver, new RegExp(requestId))).toEqual([]);
    const entries = [];
    // The approvers' group was looked up at once (Graph answered; the breaker had not opened yet): the cards expired.
    for await (const page of outreach().outbox.log(requestId)) entries.push(...page.filter(({ userId }) => !userId.startsWith('group:')).map(({ entry }) => entry));
    const asks = entries.filter((entry) => entry.step === 'approve-ask');
    expect(asks.length).toBeGreaterThan(0);
    for (const entry of asks) expect(entry).toMatchObject({ outcome: 'expired', reason: 'the pass request had lapsed' });
  }, 180_000);
});
