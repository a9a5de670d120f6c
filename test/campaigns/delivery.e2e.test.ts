// Delivery when Teams pushes back: throttling and outages are retried (honouring Retry-After) until every message is
// in; people who blocked or removed the app are given up with a reason, not reinstalled, and reported; rows a crashed
// sender left claimed are sent by the next one exactly once.

import { describe, expect, it } from 'vitest';
import { OUTBOX_PARTITION, type OutboxRow, outboxKey } from '../../src/outbox/outbox.js';
import { activityFixture } from '../support/bot-harness.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { outboxDrained, until } from '../support/waiting.js';
import { isNudge } from '../support/campaign-nudges.js';

const { bot, demo, chat } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', OUTREACH_CONCURRENCY: '4' }, { inMemory: true });

const outreach = () => bot().service.features;
const sendsTo = (userId: string) => demo().connector.activities({ userId, kind: 'send' }).filter((record) => isNudge(record.activity));

const drained = () => outboxDrained(outreach());
const inTwentyDays = () => new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);

/**
 * A running campaign whose invitations have all been delivered: the active one if there is one (another test's),
 * otherwise a new one. The tests that need one bring it about themselves, in whatever order they run.
 */
async function runningCampaign(): Promise<{ id: string }> {
  let active = (await outreach().campaigns.records.active())?.value;
  if (!active) {
    const started = await outreach().campaigns.start({ name: 'Steady', deadline: inTwentyDays(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    active = started.started;
    outreach().scheduler.kick();
  }
  const id = active.id;
  await until(async () => (await outreach().campaigns.records.get(id))?.value.state === 'running');
  await until(async () => drained(), 60_000);
  return { id };
}

describe('delivery under throttling, outages and refusals', () => {
  it('retries 429s and 5xx until everyone is reached, and gives up on people who blocked the bot', async () => {
    const strong = new Set(['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'passKeySynced', 'fido2SecurityKey', 'windowsHelloForBusiness']);
    const excluded = new Set(demo().seed.groups.filter((group) => group.role === 'excluded').flatMap((group) => group.members));
    const blocked = demo().seed.users.find(
      (user) =>
        user.appInstalled &&
        user.teamsLicensed &&
        user.accountEnabled &&
        user.accountKind === 'person' &&
        user.userType === 'Member' &&
        !excluded.has(user.id) &&
        !user.methods.some((method) => strong.has(method.kind)),
    );
    if (!blocked) throw new Error('the demo tenant has no installed, unenrolled person');
    // Its own campaign: one another test started is ended first.
    await outreach().campaigns.finish({ id: 'test-admin' });
    await until(async () => drained(), 60_000);
    const faultedBefore = demo().connector.requests().filter((request) => request.faulted).length;
    const retriedBefore = outreach().sender.stats().retried;
    const sentBefore = new Map(demo().seed.users.map((user) => [user.id, sendsTo(user.id).length]));
    demo().connector.blockUser(blocked.id);
    demo().connector.faults.add({ method: 'POST', path: '/v3/conversations', status: 429, retryAfterSeconds: 1, times: 4 });
    demo().connector.faults.add({ method: 'POST', path: '/v3/conversations', status: 503, times: 3 });
    demo().connector.faults.add({ method: 'POST', path: '/v3/conversations', status: 502, times: 2 });

    const started = await outreach().campaigns.start({ name: 'Bumpy', deadline: inTwentyDays(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    const campaignId = started.started.id;
    outreach().scheduler.kick();
    await until(async () => (await outreach().campaigns.records.get(campaignId))?.value.state === 'running');
    await until(async () => drained(), 60_000);

    const members = [];
    for await (const page of outreach().campaigns.records.members(campaignId)) members.push(...page.map((record) => record.value));
    const others = members.filter((member) => member.userId !== blocked.id);
    for (const member of others) expect(sendsTo(member.userId), member.displayName).toHaveLength((sentBefore.get(member.userId) ?? 0) + 1);
    expect(others.every((member) => member.state === 'reached')).toBe(true);

    const gaveUp = members.find((member) => member.userId === blocked.id);
    expect(gaveUp?.state).toBe('unreachable');
    expect(gaveUp?.reason).toMatch(/^blocked-app/);
    expect(sendsTo(blocked.id)).toHaveLength(sentBefore.get(blocked.id) ?? 0);
    // Throttling was honoured: the faulted calls were retried, not lost or doubled. (The five 5xx may come in a row and
    // open the Bot Connector's breaker: a row it then holds back never reached Teams, and counts as held, not retried.)
    expect(demo().connector.requests().filter((request) => request.faulted).length - faultedBefore).toBe(9);
    expect(outreach().sender.stats().retried - retriedBefore).toBe(9);

    // Blocked people are remembered: a later campaign does not try them again, and reports them.
    await outreach().campaigns.finish({ id: 'test-admin' });
    const again = await outreach().campaigns.start({ name: 'Again', deadline: inTwentyDays(), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in again)) throw new Error(again.refused);
    outreach().scheduler.kick();
    await until(async () => (await outreach().campaigns.records.get(again.started.id))?.value.state === 'running');
    const member = (await outreach().campaigns.records.member(again.started.id, blocked.id))?.value;
    expect(member?.state).toBe('unreachable');
    expect(member?.reason).toBe('blocked-app');
    await until(async () => drained(), 60_000);
    expect(sendsTo(blocked.id)).toHaveLength(sentBefore.get(blocked.id) ?? 0);
  }, 120_000);

  it('sends rows a crashed sender had claimed, once, and drops rows whose step was already logged', async () => {
    const active = await runningCampaign();
    const members = [];
    for await (const page of outreach().campaigns.records.members(active.id)) members.push(...page.map((record) => record.value));
    const [first, second] = members.filter((member) => member.state === 'reached');
    if (!first || !second) throw new Error('need two reached members');
    const dueAt = new Date(Date.now() - 1000).toISOString();
    await outreach().campaigns.records.updateMember(active.id, first.userId, (member) => ({ ...member, nextNudgeAt: dueAt, lastNudgeLocalDate: '2000-01-01' }));
    const before = { first: sendsTo(first.userId).length, second: sendsTo(second.userId).length };

    // A reminder claimed by a sender that died mid-flight, and a leftover of a step already logged as sent.
    const orphan: OutboxRow = { subjectId: active.id, userId: first.userId, step: 'reminder-1', dueAt, attempts: 0, claim: { token: 'dead-sender', until: new Date(Date.now() + 3600_000).toISOString() } };
    await bot().service.store.insert(OUTBOX_PARTITION, outboxKey(orphan), orphan);
    const leftover: OutboxRow = { subjectId: active.id, userId: second.userId, step: 'invite', dueAt: new Date(Date.now() - 1000).toISOString(), attempts: 0 };
    await bot().service.store.insert(OUTBOX_PARTITION, outboxKey(leftover), leftover);
    outreach().sender.wake();
    await until(async () => drained());

    expect(sendsTo(first.userId)).toHaveLength(before.first + 1);
    expect(sendsTo(second.userId)).toHaveLength(before.second);
    expect((await outreach().campaigns.records.member(active.id, first.userId))?.value.nudges).toBe(first.nudges + 1);
  });

  it('installs after all when the app read at targeting is gone by the time of sending', async () => {
    const active = await runningCampaign();
    const members = new Set<string>();
    for await (const page of outreach().campaigns.records.members(active.id)) for (const record of page) members.add(record.value.userId);
    const person = demo().seed.users.find((user) => user.accountKind === 'person' && user.userType === 'Member' && user.accountEnabled && user.teamsLicensed && !user.appInstalled && !members.has(user.id));
    if (!person) throw new Error('nobody without the app is left outside the campaign');
    // Targeting saw the app (so the member row says); it is not there now, and Teams' notice of its removal never came.
    await outreach().campaigns.records.addMember(active.id, {
      userId: person.id,
      upn: person.userPrincipalName,
      displayName: person.displayName,
      department: person.department ?? '(no department)',
      timeZone: 'UTC',
      wave: 0,
      state: 'pending',
      nudges: 0,
      snoozes: 0,
      appInstalled: true,
    });
    const installsBefore = demo().graph.calls.list({ method: 'POST' }).filter((call) => call.path.includes(person.id)).length;
    await outreach().outbox.enqueue({ subjectId: active.id, userId: person.id, step: 'invite', dueAt: new Date(Date.now() - 1000).toISOString() });
    outreach().sender.wake();
    // Sent, then settled: the member row is updated after Teams answered.
    await until(async () => (await outreach().campaigns.records.member(active.id, person.id))?.value.state === 'reached');
    await until(drained);
    expect(sendsTo(person.id)).toHaveLength(1);
    expect(demo().graph.calls.list({ method: 'POST' }).filter((call) => call.path.includes(person.id)).length).toBe(installsBefore + 1);
  });

  it('counts replies to people chatting in the rate the campaign shares, so its sends leave room for them', async () => {
    // Not the employee persona: the first test blocked the bot for someone like her.
    const person = chat.person(demo().seed.personas?.manager ?? '');
    const limiter = outreach().limiter;
    // Replies sent through the Bot Connector (a normal message) count; replies in the HTTP answer (expectReplies) do not.
    await until(async () => (await drained()) && limiter.inFlightWindow() === 0);
    const posted = await bot().post(activityFixture('message-personal', chat.activityFrom(person, { text: 'help' })));
    expect(posted.status).toBe(200);
    // The turn's replies are sent before the HTTP answer, so they are inside the limiter's one-second window now.
    expect(demo().connector.activities({ conversationId: person.conversationId }).some((record) => record.kind === 'reply')).toBe(true);
    expect(limiter.inFlightWindow()).toBeGreaterThan(0);
    await until(async () => limiter.inFlightWindow() === 0);
    await chat.say(person, 'help');
    expect(limiter.inFlightWindow()).toBe(0);
  });
});
