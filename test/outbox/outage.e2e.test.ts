// A Bot Connector outage longer than every retry of every row (ten minutes of 503s, in fake time) loses nobody: the
// breaker opens after a few failures, the rows wait without spending attempts while one probe at a time tries Teams,
// and once Teams answers again every queued invitation, decider's card and approval card is delivered exactly once.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { outages } from '../support/outages.js';
import { outboxDrained, until } from '../support/waiting.js';

// Monday 30 November 2026, 10:00 UTC.
const { bot, chat, people } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', OUTREACH_CONCURRENCY: '4' }, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;
const OUTAGE_MS = 10 * 60_000;
const outage = outages(bot);
const connectorOutage = outage.connector;
const { quiet, queued } = outage;

describe('a ten-minute Bot Connector outage', () => {
  it('holds the campaign’s invitations without spending their attempts, then delivers each once', async () => {
    const started = await outreach().campaigns.start({ name: 'Through the outage', deadline: '2026-12-20', waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    const { faulted } = await connectorOutage(OUTAGE_MS, async () => {
      await outreach().scheduler.runOnce();
      await until(async () => (await outreach().campaigns.records.get(campaignId))?.value.state === 'running');
      await quiet();
    });
    expect(await queued()).toEqual([]);

    const members = [];
    for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
    expect(members.length).toBeGreaterThan(10);
    for (const member of members) {
      expect(member.state, member.displayName).toBe('reached');
      expect(people.invitations(member.userId), member.displayName).toHaveLength(1);
    }
    // While the breaker was open only a probe at a time reached Teams (after 5 and 10 s, then every 15 s): the five
    // failures that opened it, the rows already in flight, and about forty probes; not eight tries a person.
    expect(faulted).toBeLessThanOrEqual(5 + 4 + 42);
    // And no row spent an attempt on the outage: each went out on its first.
    for await (const page of outreach().outbox.log(campaignId)) for (const { entry } of page) expect(entry).toMatchObject({ outcome: 'sent', attempts: 1 });
  }, 180_000);

  it('holds a decider’s card through the outage and delivers it afterwards, where it used to be lost until the reminder', async () => {
    const employee = chat.person(people.user('Marco Rossi').id);
    const manager = people.user('Lena Hoffmann');
    await connectorOutage(OUTAGE_MS, async () => {
      const response = await chat.click(employee, 'refusal.confirm', { reason: 'privacy' });
      expect(JSON.stringify(response.value)).toContain('Your decision is recorded');
      await until(async () => (await outreach().escalations.records.openFor(employee.id)) !== undefined);
      await quiet();
    });
    expect(people.received(manager.id, people.saying(manager.id, 'escalation.card.title', { name: 'Marco Rossi' }))).toHaveLength(1);
    const escalation = await outreach().escalations.records.openFor(employee.id);
    expect(escalation?.value.copies.map((copy) => copy.recipientId)).toEqual([manager.id]);
  }, 180_000);

  it('holds a pass request’s approval cards through the outage and delivers them to every approver', async () => {
    const agent = chat.person(people.user('Marek Dąbrowski').id);
    const reply = await chat.say(agent, `tap request ${people.user('Ava Patel').userPrincipalName}`);
    const requestId = (reply.cards[0]?.actions as { data?: { requestId?: string } }[] | undefined)?.[0]?.data?.requestId;
    if (!requestId) throw new Error('no request form');
    await connectorOutage(OUTAGE_MS, async () => {
      await chat.click(agent, 'tap.submit', { requestId, check: 'video-id', note: 'Passport on camera', reason: 'Lost phone, needs a new passkey', lifetime: '60', oneTime: 'true' });
      await quiet();
    });
    const approvers = people.members('tap-approvers').filter((id) => id !== agent.id);
    expect(approvers.length).toBeGreaterThan(0);
    for (const approver of approvers) expect(people.received(approver, people.saying(approver, 'helpdesk.approval.title', { name: 'Ava Patel' })), approver).toHaveLength(1);
    expect(await outboxDrained(outreach())).toBe(true);
  }, 180_000);
});
