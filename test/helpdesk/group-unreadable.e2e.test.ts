// Messages for a group survive a directory that cannot list the group: with the approvers' group unreadable when the
// agent sends the request, the click is answered truthfully and the approval cards arrive once Graph lists the group
// again; with the security group unreadable at the reveal, the pass is shown and security still hears of it; with the
// escalation group unreadable when a refusal falls to it, its members get the decision card afterwards.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import { outages } from '../support/outages.js';
import { passShown, requestPass, revealPass } from '../support/outreach-helpers.js';

// Monday 30 November 2026, 10:00 UTC.
const { bot, demo, chat, people } = demoBotSuite({}, { startAt: '2026-11-30T10:00:00.000Z', inMemory: true });

const outreach = () => bot().service.features;
const outage = outages(bot);
const groupId = (role: string) => demo().seed.groups.find((group) => group.role === role)?.id ?? '';
const agent = () => chat.person(people.user('Marek Dąbrowski').id);

/** Graph answers 500 to every listing of the group's members for `ms` of fake time, then lists it again. */
async function unreadable(role: string, ms: number, during: () => Promise<void>): Promise<void> {
  const fault = demo().graph.faults.add({ method: 'GET', path: new RegExp(`/groups/${groupId(role)}/transitiveMembers`, 'i'), status: 500 });
  try {
    await during();
    const end = Date.now() + ms;
    while (Date.now() < end) await outage.step(10_000);
  } finally {
    demo().graph.faults.remove(fault.id);
  }
  await outage.drain(2 * 60_000);
}

async function sendRequest(targetName: string): Promise<{ requestId: string; answer: string }> {
  const { id } = await requestPass(chat, people, agent(), targetName);
  if (!id) throw new Error('no request form');
  const answer = await chat.click(agent(), 'tap.submit', { requestId: id, check: 'video-id', note: 'Passport on camera', reason: 'Lost phone, needs a new passkey', lifetime: '60', oneTime: 'true' });
  return { requestId: id, answer: JSON.stringify(answer.value) };
}

describe('a group Graph cannot list for a while', () => {
  it('the approvers’ group at submit: the agent is told it is on its way, and every approver gets the card once Graph lists them', async () => {
    const approvers = people.members('tap-approvers').filter((id) => id !== agent().id);
    await unreadable('tap-approvers', 5 * 60_000, async () => {
      const sent = await sendRequest('Ava Patel');
      const requestId = sent.requestId;
      expect(sent.answer).toContain('Sent for approval: the approvers get it as soon as Teams and the directory let the coach reach them');
      await outage.quiet();
      expect((await outreach().temporaryAccess.records.get(requestId))?.value.state).toBe('awaiting-approval');
      for (const approver of approvers) expect(people.received(approver, new RegExp(requestId))).toHaveLength(0);
    });
    for (const approver of approvers) expect(people.received(approver, people.saying(approver, 'helpdesk.approval.title', { name: 'Ava Patel' })), approver).toHaveLength(1);
  }, 120_000);

  const target = 'Maria Gonzalez';

  it('the security group at the reveal: the pass is shown, and security hears of it once Graph lists the group', async () => {
    const { requestId } = await sendRequest(target);
    await outage.drain();
    const approver = chat.person(people.members('tap-approvers').find((id) => id !== agent().id) ?? '');
    expect(JSON.stringify((await chat.click(approver, 'tap.approve', { requestId })).value)).toContain('Approved by');
    await outage.drain();
    const security = people.members('security');
    let dialog = '';
    await unreadable('security', 5 * 60_000, async () => {
      const shown = await revealPass(bot, chat, agent(), requestId);
      expect(passShown(shown)?.length ?? 0).toBeGreaterThanOrEqual(8);
      dialog = JSON.stringify(shown);
      await outage.quiet();
      for (const member of security) expect(people.received(member, people.saying(member, 'helpdesk.created.forSecurityTitle', { name: target }))).toHaveLength(0);
    });
    for (const member of security) expect(people.received(member, people.saying(member, 'helpdesk.created.forSecurityTitle', { name: target })), member).toHaveLength(1);
    // What the receiver read was true: security was being told, not yet told.
    expect(dialog).toContain('security are being told that a pass was created');
  }, 120_000);

  it('the escalation group when a refusal falls to it: its members get the decision card once Graph lists them', async () => {
    // Helena Brandt has no manager in the directory: the escalation group decides.
    const employee = chat.person(people.user('Helena Brandt').id);
    await unreadable('escalation', 5 * 60_000, async () => {
      const response = await chat.click(employee, 'refusal.confirm', { reason: 'privacy' });
      expect(JSON.stringify(response.value)).toContain('Your decision is recorded');
      await outage.quiet();
    });
    for (const member of people.members('escalation')) expect(people.received(member, people.saying(member, 'escalation.card.title', { name: 'Helena Brandt' })), member).toHaveLength(1);
  }, 120_000);
});
