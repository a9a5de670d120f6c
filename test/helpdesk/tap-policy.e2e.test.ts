// Pass policies other than the defaults: privileged accounts allowed, but approved only by the security group; the
// target's manager as the one who reveals; a request that would replace a valid pass says so; bursts alert security.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, revealPass, settle } from '../support/outreach-helpers.js';
import type { Person } from '../support/teams-chat.js';

const { bot, demo, chat, people } = demoBotSuite({ TAP_ALLOW_PRIVILEGED: 'true', TAP_RECEIVER: 'manager', TAP_BURST_PER_HOUR: '2' }, { startAt: '2026-12-01T09:00:00.000Z', inMemory: true });

// The burst alert counts the helpdesk's requests over the last hour: each test starts an hour after the one before,
// so only its own requests count.
beforeEach(() => {
  vi.setSystemTime(new Date(Date.now() + 61 * 60_000));
});

const user = people.user;
const person = (name: string) => chat.person(user(name).id);
const members = people.members;
const received = people.received;
const text = (value: unknown) => JSON.stringify(value);
const drain = () => settle(bot, { fakeClock: true });

async function requestFor(agent: Person, targetName: string): Promise<{ id: string; form: string }> {
  // The clock stands still, so Graph's 10-second reports throttle (the pass read counts in it) never frees by itself.
  demo().graph.state.resetThrottles();
  const { id, reply } = await requestPass(chat, people, agent, targetName);
  if (!id) throw new Error(`no request form: ${reply}`);
  return { id, form: reply };
}

const submit = (agent: Person, requestId: string) => chat.click(agent, 'tap.submit', { requestId, check: 'video-id', reason: 'Locked out', lifetime: '60', oneTime: 'true' });

const reveal = (who: Person, requestId: string) => revealPass(bot, chat, who, requestId);

describe('pass policies', () => {
  it('allows a privileged account only with an approver from the security group, and alerts security when it is asked for', async () => {
    const agent = person('Marek Dąbrowski');
    const { id, form } = await requestFor(agent, 'Emma Schneider');
    expect(form).toContain('only the security group can approve');
    await submit(agent, id);
    await drain();
    for (const member of members('security')) {
      expect(received(member, people.saying(member, 'helpdesk.alerts.titles.privileged-attempt')), member).toHaveLength(1);
      expect(received(member, people.saying(member, 'helpdesk.approval.title', { name: 'Emma Schneider' })), member).toHaveLength(1);
    }
    // An ordinary approver outside the security group gets no card, and cannot approve.
    expect(received(user('Katarzyna Zielińska').id, /Approve a Temporary Access Pass for Emma Schneider/)).toHaveLength(0);
    expect(text((await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id })).value)).toContain('only the security group can approve it');
    expect(text((await chat.click(person('Arjun Mehta'), 'tap.approve', { requestId: id })).value)).toContain('Approved by Arjun Mehta');
  });

  it('sends the reveal to the target’s manager when policy says so: the agent sees nothing, the manager sees the pass', async () => {
    const agent = person('Jordan Reyes');
    const { id } = await requestFor(agent, 'Ava Patel');
    await submit(agent, id);
    await drain();
    await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id });
    await drain();
    expect(received(user('Ethan Brooks').id, /Pass for Ava Patel approved/)).toHaveLength(1);
    expect(received(agent.id, /Pass for Ava Patel approved/)).toHaveLength(0);
    expect(text(await reveal(agent, id))).toContain('nothing to show');
    const dialog = await reveal(person('Ethan Brooks'), id);
    expect(dialog.task.type).toBe('continue');
    expect(demo().graph.state.temporaryAccessPass(user('Ava Patel').id)).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: true });
  });

  it('says when the person already has a valid pass: approving it means replacing it', async () => {
    // Someone gave Mia Rodriguez a pass in Entra earlier (through Graph, as the admin centre does).
    const directory = bot().service.directory;
    if (!directory) throw new Error('demo mode without a directory');
    await directory.createTemporaryAccessPass(user('Mia Rodriguez').id, { lifetimeInMinutes: 480, isUsableOnce: false });
    const agent = person('Agnieszka Lewandowska');
    const { id, form } = await requestFor(agent, 'Mia Rodriguez');
    expect(form).toContain('Mia Rodriguez already has a valid pass');
    await submit(agent, id);
    await drain();
    const cards = received(user('Katarzyna Zielińska').id, /Approve a Temporary Access Pass for Mia Rodriguez/);
    expect(cards).toHaveLength(1);
    expect(text(cards[0]?.activity)).toContain('Approve and replace their pass');
    expect(text(cards[0]?.activity)).toContain('approving replaces it');
  });

  it('alerts security once when the helpdesk opens more requests in an hour than the burst threshold', async () => {
    await drain();
    const alerts = () => members('security').map((member) => received(member, people.saying(member, 'helpdesk.alerts.titles.burst')).length);
    const before = alerts();
    // Every request counts, one for a mistyped name too (it reads no passes: the bot paces those reads, 5 in 10.5 s).
    const mistyped = async (agent: Person) => expect((await chat.say(agent, 'tap request noah.kimm@northwind.example')).texts.join(' ')).toContain("can't find");
    // Two requests in the hour: the threshold, no alert.
    await requestFor(person('Piotr Kowalski'), 'Noah Kim');
    await mistyped(person('Jordan Reyes'));
    await drain();
    expect(alerts()).toEqual(before);
    // A third: one alert to each member of security; a fourth in the same hour brings no second one.
    await requestFor(person('Marek Dąbrowski'), 'Lukas Schmid');
    await drain();
    expect(alerts()).toEqual(before.map((count) => count + 1));
    await mistyped(person('Agnieszka Lewandowska'));
    await drain();
    expect(alerts()).toEqual(before.map((count) => count + 1));
  });
});
