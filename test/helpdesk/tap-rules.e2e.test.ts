// The rules around helpdesk passes, each refused with a clear message and an audit entry: people outside the
// helpdesk, privileged targets under the default policy (and security alerted), the per-agent rate limit, one open
// request per person, forged card and dialog data, an expired request, a manager who says no. And Graph failing
// while the pass is created: the person ends with exactly one pass, and the audit shows every attempt.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { activityFixture } from '../support/bot-harness.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, revealPass, settle } from '../support/outreach-helpers.js';
import type { Person } from '../support/teams-chat.js';

const { bot, demo, chat, people } = demoBotSuite({ TAP_REQUESTS_PER_HOUR: '3', TAP_REQUEST_MINUTES: '30' }, { startAt: '2026-12-01T09:00:00.000Z', inMemory: true });

// Every attempt counts against the agent's hourly limit (3 here): each test starts an hour after the one before, so
// one test's attempts never decide another's.
beforeEach(() => {
  vi.setSystemTime(new Date(Date.now() + 61 * 60_000));
});

const outreach = () => bot().service.features;
const user = people.user;
const person = (name: string) => chat.person(user(name).id);
const members = people.members;
const text = (value: unknown) => JSON.stringify(value);
const received = people.received;
const drain = () => settle(bot, { fakeClock: true });

/** How far the audit trail goes now: a test notes it first and counts only what it caused (`audited(action, mark)`). */
async function auditMark(): Promise<number> {
  return (await bot().service.store.list(AUDIT_ENTRIES, { limit: 1000 })).records.length;
}

async function audited(action: string, since = 0): Promise<{ details?: Record<string, unknown> }[]> {
  const entries = await bot().service.store.list<{ action: string; details?: Record<string, unknown> }>(AUDIT_ENTRIES, { limit: 1000 });
  return entries.records.slice(since).filter((record) => record.value.action === action).map((record) => record.value);
}

/** A request id as the bot makes them. */
const REQUEST_ID = /^T-[A-Z2-9]{6}$/;

async function requestFor(agent: Person, targetName: string): Promise<{ id?: string; reply: string }> {
  // The clock stands still, so Graph's 10-second reports throttle (the pass read counts in it) never frees by itself.
  demo().graph.state.resetThrottles();
  return requestPass(chat, people, agent, targetName);
}

const submit = (agent: Person, requestId: string, fields: Record<string, unknown> = {}) =>
  chat.click(agent, 'tap.submit', { requestId, check: 'in-person', reason: 'Locked out after a phone swap', lifetime: '60', oneTime: 'true', ...fields });

const reveal = (who: Person, requestId: string) => revealPass(bot, chat, who, requestId);

describe('who may ask', () => {
  it('refuses the command to people outside the helpdesk, politely and audited', async () => {
    const mark = await auditMark();
    for (const command of ['tap request someone@northwind.example', 'tap list', 'tap cancel T-AAAAAA']) {
      const reply = await chat.say(person('Ava Patel'), command);
      expect(reply.texts.join(' ')).toContain('only for the helpdesk');
    }
    expect(await audited('tap.command.denied', mark)).toHaveLength(3);
  });

  it('answers pass commands only in the personal chat, never where others read along', async () => {
    const agent = person('Jordan Reyes');
    const inChannel = chat.activityFrom(agent, { text: 'tap list', deliveryMode: 'expectReplies', conversation: { id: '19:helpdesk-channel@thread.tacv2', conversationType: 'channel', tenantId: demo().seed.tenant.id } });
    const result = await bot().post(activityFixture('message-personal', inChannel));
    expect(text(result.body)).toContain('only in your personal chat');
    expect(text(result.body)).not.toContain('Waiting to talk to a person');
  });

  it('refuses privileged targets under the default policy (an active role, an eligible role, a break-glass account) and alerts security', async () => {
    const agent = person('Agnieszka Lewandowska');
    const mark = await auditMark();
    const alerts = () => members('security').map((member) => received(member, people.saying(member, 'helpdesk.alerts.titles.privileged-attempt')).length);
    // What earlier tests still had on its way is delivered before the counts are taken.
    await drain();
    const alertsBefore = alerts();
    const replies: string[] = [];
    for (const name of ['Emma Schneider', 'Stefan Novak', 'Emergency Access Account 01']) {
      const { id, reply } = await requestFor(agent, name);
      expect(id, name).toBeUndefined();
      expect(reply).toContain('privileged account');
      replies.push(reply);
    }
    // Why, in the agent's words: the role names as Entra gives them.
    expect(replies[0]).toMatch(/\(admin role: [^)]+\)/);
    expect(replies[1]).toMatch(/\(eligible for admin role: [^)]+\)/);
    expect(replies[2]).toContain('(a break-glass account; ');
    const refusals = (await audited('tap.request.refused', mark)).map((entry) => entry.details?.why);
    expect(refusals).toEqual(['privileged', 'privileged', 'privileged']);
    await drain();
    // Three alerts to each member of security (another test here alerts them of a privileged account too).
    expect(alerts()).toEqual(alertsBefore.map((count) => count + 3));
  });

  it('holds one open request per person, and lists and cancels the agent’s own requests', async () => {
    const agent = person('Jordan Reyes');
    const first = await requestFor(agent, 'Noah Kim');
    expect(first.id).toMatch(REQUEST_ID);
    const second = await requestFor(person('Marek Dąbrowski'), 'Noah Kim');
    expect(second.id).toBeUndefined();
    expect(second.reply).toContain(`already an open pass request for Noah Kim (${first.id})`);
    // Someone asked the coach for a person: they wait in the helpdesk's queue.
    await chat.say(person('Lena Hoffmann'), 'talk to a person');
    const list = await chat.say(agent, 'tap list');
    expect(text(list.cards)).toContain(`${first.id}: Noah Kim`);
    expect(text(list.cards)).toMatch(/Waiting to talk to a person \(1\): Lena Hoffmann/);
    expect((await chat.say(person('Marek Dąbrowski'), `tap cancel ${first.id}`)).texts.join(' ')).toContain('You have no request');
    expect((await chat.say(agent, `tap cancel ${first.id?.toLowerCase()}`)).texts.join(' ')).toContain('is cancelled');
    // Twice: said as it stands now.
    expect((await chat.say(agent, `tap cancel ${first.id}`)).texts.join(' ')).toMatch(/is cancelled: there is nothing to cancel/);
    expect((await requestFor(person('Marek Dąbrowski'), 'Noah Kim')).id).toMatch(REQUEST_ID);
  });

  it('stops an agent after the hourly limit and alerts security', async () => {
    const agent = person('Piotr Kowalski');
    const mark = await auditMark();
    for (const name of ['Mia Rodriguez', 'Lukas Schmid', 'Emily Carter']) expect((await requestFor(agent, name)).id, name).toMatch(REQUEST_ID);
    const over = await requestFor(agent, 'Jonas Meier');
    expect(over.id).toBeUndefined();
    expect(over.reply).toContain('the most allowed');
    expect((await audited('tap.request.refused', mark)).map((entry) => entry.details?.why)).toEqual(['rate-limit']);
    await drain();
    for (const member of members('security')) expect(received(member, people.saying(member, 'helpdesk.alerts.titles.rate-limit')), member).toHaveLength(1);
  });
});

describe('forged and stale actions', () => {
  it('refuses card data pointing at someone else’s request, a made-up request, or a reveal by anyone but the receiver', async () => {
    const agent = person('Marek Dąbrowski');
    const mark = await auditMark();
    const { id } = await requestFor(agent, 'Liam O\'Connor');
    if (!id) throw new Error('no request');
    // Another agent sends Marek's draft as their own.
    expect(text((await submit(person('Jordan Reyes'), id)).value)).toContain("isn't yours to act on");
    expect(text((await submit(agent, 'T-ZZZZZZ')).value)).toContain("isn't yours to act on");
    await submit(agent, id);
    await drain();
    // The target clicks an approval card's action with the request id; an approver reveals it for themselves.
    expect(text((await chat.click(person("Liam O'Connor"), 'tap.approve', { requestId: id })).value)).toContain("can't approve it");
    await chat.click(person('Nora Jansen'), 'tap.approve', { requestId: id });
    expect(text(await reveal(person('Nora Jansen'), id))).toContain('nothing to show');
    expect(text(await reveal(person("Liam O'Connor"), id))).toContain('nothing to show');
    // The draft sent by someone else and the made-up request; the two reveals.
    expect((await audited('tap.action.denied', mark)).map((entry) => entry.details?.requestId)).toEqual([id, 'T-ZZZZZZ']);
    expect((await audited('tap.reveal.denied', mark)).map((entry) => entry.details?.requestId)).toEqual([id, id]);
    expect(demo().graph.state.temporaryAccessPass(user("Liam O'Connor").id)).toBeUndefined();
  });

  it('refuses to approve or reveal an expired request', async () => {
    const agent = person('Jordan Reyes');
    const { id } = await requestFor(agent, 'Chloe Nguyen');
    if (!id) throw new Error('no request');
    await submit(agent, id);
    await drain();
    vi.setSystemTime(new Date(Date.now() + 31 * 60_000));
    const late = await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id });
    expect(text(late.value)).toContain('expired');
    expect((await audited('tap.approval.denied')).some((entry) => entry.details?.requestId === id && entry.details?.why === 'request expired')).toBe(true);
    expect(text(await reveal(agent, id))).toContain('expired');
    expect((await audited('tap.request.expired')).some((entry) => entry.details?.requestId === id)).toBe(true);
    expect(demo().graph.state.temporaryAccessPass(user('Chloe Nguyen').id)).toBeUndefined();
  });

  it('frees the person again when a reveal was cut off (the process stopped while Graph was creating)', async () => {
    const agent = person('Agnieszka Lewandowska');
    const { id } = await requestFor(agent, 'Sophie Laurent');
    if (!id) throw new Error('no request');
    await submit(agent, id);
    await drain();
    await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id });
    // As a crash leaves it: claimed for the reveal, and nothing after.
    await outreach().temporaryAccess.records.update(id, (request) => ({ ...request, state: 'revealing', reveal: { by: { id: agent.id, name: agent.name }, at: new Date().toISOString(), attempts: [] } }));
    expect((await requestFor(person('Agnieszka Lewandowska'), 'Sophie Laurent')).reply).toContain('already an open pass request');
    vi.setSystemTime(new Date(Date.now() + 11 * 60_000));
    expect((await requestFor(person('Agnieszka Lewandowska'), 'Sophie Laurent')).id).toMatch(REQUEST_ID);
    expect((await audited('tap.reveal.abandoned')).some((entry) => entry.details?.requestId === id)).toBe(true);
  });

  it('creates nothing when the account became privileged between the approval and the reveal', async () => {
    const agent = person('Agnieszka Lewandowska');
    const { id } = await requestFor(agent, 'Robert Hayes');
    if (!id) throw new Error('no request');
    await submit(agent, id);
    await drain();
    await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id });
    demo().graph.state.assignRole(user('Robert Hayes').id, '62e90394-69f5-4237-9190-012177145e10'); // Global Administrator
    demo().graph.state.resetThrottles();
    expect(text(await reveal(agent, id))).toContain('is now privileged, so no pass was created');
    expect(demo().graph.state.temporaryAccessPass(user('Robert Hayes').id)).toBeUndefined();
    expect((await audited('tap.reveal.denied')).some((entry) => entry.details?.requestId === id && entry.details?.why === 'privileged')).toBe(true);
    await drain();
    for (const member of members('security')) expect(received(member, people.saying(member, 'helpdesk.alerts.titles.privileged-attempt')).some((record) => text(record.activity).includes(id)), member).toBe(true);
  });

  it('stops the request when the manager does not confirm, and alerts security', async () => {
    const agent = person('Marek Dąbrowski');
    const { id } = await requestFor(agent, 'Kenji Tanaka');
    if (!id) throw new Error('no request');
    await submit(agent, id, { check: 'manager' });
    await drain();
    const answer = await chat.click(person('Freya Lindgren'), 'tap.confirm', { requestId: id, answer: 'no' });
    expect(text(answer.value)).toContain('You answered: no');
    await drain();
    expect(received(agent.id, new RegExp(`Request ${id} stopped`))).toHaveLength(1);
    for (const member of members('security')) expect(received(member, people.saying(member, 'helpdesk.alerts.titles.manager-denied')), member).toHaveLength(1);
    expect(received(user('Katarzyna Zielińska').id, /Approve a Temporary Access Pass for Kenji Tanaka/)).toHaveLength(0);
  });
});

describe('Graph failing while the pass is created', () => {
  it('retries past a 429 and a 504, ends with exactly one pass, and audits every attempt', async () => {
    const agent = person('Jordan Reyes');
    const target = user('Hannah Müller');
    const { id } = await requestFor(agent, 'Hannah Müller');
    if (!id) throw new Error('no request');
    await submit(agent, id);
    await drain();
    await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id });
    const path = new RegExp(`/users/${target.id}/authentication/temporaryAccessPassMethods$`, 'i');
    demo().graph.faults.add({ method: 'POST', path, status: 429, retryAfterSeconds: 0, times: 1 });
    demo().graph.faults.add({ method: 'POST', path, status: 504, times: 1 });
    const dialog = await reveal(agent, id);
    expect(dialog.task.type).toBe('continue');
    const posts = demo().graph.calls.list().filter((call) => call.method === 'POST' && path.test(call.path));
    expect(posts.map((call) => call.status)).toEqual([429, 504, 201]);
    expect(demo().graph.state.temporaryAccessPass(target.id)).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: true });
    const failed = (await audited('tap.create.failed')).filter((entry) => entry.details?.requestId === id);
    const created = (await audited('tap.created')).filter((entry) => entry.details?.requestId === id);
    expect(failed.map((entry) => entry.details?.attempt)).toEqual([1, 2]);
    expect(created.map((entry) => entry.details?.attempt)).toEqual([3]);
  });
});
