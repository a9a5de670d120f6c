// Pass policies other than the defaults: privileged accounts allowed, but approved only by the security group; the
// target's manager as the one who reveals; a request that would replace a valid pass says so; bursts alert security.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { activityFixture, type RunningBot, startBot } from '../support/bot-harness.js';
import { type Person, teamsChat } from '../support/teams-chat.js';

let bot: RunningBot;
let demo: DemoEnvironment;
const chat = teamsChat(
  () => bot,
  () => demo,
);

beforeAll(async () => {
  bot = await startBot({ TAP_ALLOW_PRIVILEGED: 'true', TAP_RECEIVER: 'manager', TAP_BURST_PER_HOUR: '2' }, { emulators: true });
  if (!bot.service.demo) throw new Error('no emulators');
  demo = bot.service.demo;
}, 60_000);

afterAll(async () => {
  await bot?.stop();
});

const outreach = () => bot.service.outreach;
const user = (name: string) => {
  const found = demo.seed.users.find((candidate) => candidate.displayName === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};
const person = (name: string) => chat.person(user(name).id);
const members = (role: string) => demo.seed.groups.find((group) => group.role === role)?.members ?? [];
const text = (value: unknown) => JSON.stringify(value);
const received = (userId: string, pattern: RegExp): RecordedActivity[] => demo.connector.activities({ userId, kind: 'send' }).filter((record) => pattern.test(text(record.activity)));

async function settle(): Promise<void> {
  const started = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    outreach().sender.wake();
    let due = 0;
    for await (const page of outreach().outbox.due(new Date())) due += page.filter((record) => !record.value.notBefore || record.value.notBefore <= new Date().toISOString()).length;
    if (outreach().sender.stats().inFlight === 0 && due === 0 && performance.now() - started > 100) return;
    if (performance.now() - started > 15_000) throw new Error(`the outbox did not drain: ${due} due`);
  }
}

async function requestFor(agent: Person, targetName: string): Promise<{ id: string; form: string }> {
  const reply = await chat.say(agent, `tap request ${user(targetName).userPrincipalName}`);
  const id = (reply.cards[0]?.actions as { data?: { requestId?: string } }[] | undefined)?.[0]?.data?.requestId;
  if (!id) throw new Error(`no request form: ${text(reply)}`);
  return { id, form: text(reply.cards[0]) };
}

const submit = (agent: Person, requestId: string) => chat.click(agent, 'tap.submit', { requestId, check: 'video-id', reason: 'Locked out', lifetime: '60', oneTime: 'true' });

async function reveal(who: Person, requestId: string) {
  const invoke = activityFixture('invoke-adaptive-card-action', chat.activityFrom(who, {}));
  const result = await bot.post({ ...invoke, name: 'task/fetch', value: { data: { verb: 'tap.reveal', requestId }, context: { theme: 'default' } } });
  expect(result.status, result.text).toBe(200);
  return result.body as { task: { type: string; value: unknown } };
}

describe('pass policies', () => {
  it('allows a privileged account only with an approver from the security group, and alerts security when it is asked for', async () => {
    const agent = person('Marek Dąbrowski');
    const { id, form } = await requestFor(agent, 'Emma Schneider');
    expect(form).toContain('only the security group can approve');
    await submit(agent, id);
    await settle();
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
    await settle();
    await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id });
    await settle();
    expect(received(user('Ethan Brooks').id, /Pass for Ava Patel approved/)).toHaveLength(1);
    expect(received(agent.id, /Pass for Ava Patel approved/)).toHaveLength(0);
    expect(text(await reveal(agent, id))).toContain('nothing to show');
    const dialog = await reveal(person('Ethan Brooks'), id);
    expect(dialog.task.type).toBe('continue');
    expect(demo.graph.state.temporaryAccessPass(user('Ava Patel').id)).toBeDefined();
  });

  it('says when the person already has a valid pass: approving it means replacing it', async () => {
    const agent = person('Agnieszka Lewandowska');
    const { id, form } = await requestFor(agent, 'Ava Patel');
    expect(form).toContain('Ava Patel already has a valid pass');
    await submit(agent, id);
    await settle();
    const card = received(user('Katarzyna Zielińska').id, /Approve a Temporary Access Pass for Ava Patel/).at(-1);
    expect(text(card?.activity)).toContain('Approve and replace their pass');
    expect(text(card?.activity)).toContain('approving replaces it');
  });

  it('alerts security once when the helpdesk opens more requests in an hour than the burst threshold', async () => {
    await settle();
    // Three requests so far in this file against a threshold of two.
    for (const member of members('security')) expect(received(member, /Many pass requests in the last hour/), member).toHaveLength(1);
    await requestFor(person('Piotr Kowalski'), 'Noah Kim');
    await settle();
    for (const member of members('security')) expect(received(member, /Many pass requests in the last hour/), member).toHaveLength(1);
  });
});
