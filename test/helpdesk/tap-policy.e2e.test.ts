// Pass policies other than the defaults: privileged accounts allowed, but approved only by the security group; the
// target's manager as the one who reveals; a request that would replace a valid pass says so; bursts alert security.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, revealPass, settle } from '../support/outreach-helpers.js';
import type { Person } from '../support/teams-chat.js';

const { bot, demo, chat, people } = demoBotSuite({ TAP_ALLOW_PRIVILEGED: 'true', TAP_RECEIVER: 'manager', TAP_BURST_PER_HOUR: '2' }, { inMemory: true });

const user = people.user;
const person = (name: string) => chat.person(user(name).id);
const members = people.members;
const received = people.received;
const text = (value: unknown) => JSON.stringify(value);
const drain = () => settle(bot);

async function requestFor(agent: Person, targetName: string): Promise<{ id: string; form: string }> {
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
      expect(received(member, /Pass requested for a privileged account/), member).toHaveLength(1);
      expect(received(member, /Approve a Temporary Access Pass for Emma Schneider/), member).toHaveLength(1);
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
    expect(demo().graph.state.temporaryAccessPass(user('Ava Patel').id)).toBeDefined();
  });

  it('says when the person already has a valid pass: approving it means replacing it', async () => {
    const agent = person('Agnieszka Lewandowska');
    const { id, form } = await requestFor(agent, 'Ava Patel');
    expect(form).toContain('Ava Patel already has a valid pass');
    await submit(agent, id);
    await drain();
    const card = received(user('Katarzyna Zielińska').id, /Approve a Temporary Access Pass for Ava Patel/).at(-1);
    expect(text(card?.activity)).toContain('Approve and replace their pass');
    expect(text(card?.activity)).toContain('approving replaces it');
  });

  it('alerts security once when the helpdesk opens more requests in an hour than the burst threshold', async () => {
    await drain();
    // Three requests so far in this file against a threshold of two.
    for (const member of members('security')) expect(received(member, /Many pass requests in the last hour/), member).toHaveLength(1);
    await requestFor(person('Piotr Kowalski'), 'Noah Kim');
    await drain();
    for (const member of members('security')) expect(received(member, /Many pass requests in the last hour/), member).toHaveLength(1);
  });
});
