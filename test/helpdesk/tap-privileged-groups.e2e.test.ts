// The attack: a pass for someone whose admin role comes through a group. A helpdesk agent asks for a pass for a
// Global Administrator by membership of a role-assignable group, for someone who may join (PIM for Groups) a group
// eligible for a role, and for someone whose group role covers one administrative unit; each is refused as
// privileged, at the request and again at the reveal. When Graph cannot say, nothing is opened or created.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { passShown, requestPass, revealPass, settle } from '../support/outreach-helpers.js';
import type { Person } from '../support/teams-chat.js';

const { bot, demo, chat, people } = demoBotSuite({ TAP_REQUESTS_PER_HOUR: '50' }, { startAt: '2026-12-01T09:00:00.000Z', inMemory: true });

const user = people.user;
const person = (name: string) => chat.person(user(name).id);
const text = (value: unknown) => JSON.stringify(value);
const drain = () => settle(bot, { fakeClock: true });
const PIM = '/v1.0/identityGovernance/privilegedAccess/group';

async function audited(action: string): Promise<{ details?: Record<string, unknown> }[]> {
  const entries = await bot().service.store.list<{ action: string; details?: Record<string, unknown> }>(AUDIT_ENTRIES, { limit: 1000 });
  return entries.records.filter((record) => record.value.action === action).map((record) => record.value);
}

async function requestFor(agent: Person, targetName: string): Promise<{ id?: string; reply: string }> {
  // The clock stands still, so Graph's 10-second reports throttle never frees by itself.
  demo().graph.state.resetThrottles();
  return requestPass(chat, people, agent, targetName);
}

/** Through the whole flow to an approved request, the agent being the one who reveals. */
async function approvedRequest(agent: Person, targetName: string): Promise<string> {
  const { id } = await requestFor(agent, targetName);
  if (!id) throw new Error(`no request for ${targetName}`);
  await chat.click(agent, 'tap.submit', { requestId: id, check: 'in-person', reason: 'Locked out after a phone swap', lifetime: '60', oneTime: 'true' });
  await drain();
  await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId: id });
  demo().graph.state.resetThrottles();
  return id;
}

const groupNamed = (name: string) => {
  const found = demo().seed.groups.find((group) => group.displayName === name);
  if (!found) throw new Error(`the demo tenant has no group ${name}`);
  return found;
};

describe('a pass for someone whose admin role comes through a group', () => {
  it.each([
    ['Priya Raman', 'a Global Administrator by membership of a role-assignable group', 'Global Administrator (through the group Tier 0 Administrators)'],
    ['Arjun Mehta', 'eligible (PIM for Groups) for a group that is eligible for a role', 'Security Administrator (through PIM for Groups, group Security Operations Admins)'],
    ['Antoine Moreau', 'holding a role for an administrative unit through a group', 'Helpdesk Administrator (in an administrative unit, through the group Lyon Plant Local Admins)'],
  ])('is refused for %s, %s, and security is told', async (name, _how, reason) => {
    // Security is counted from here: the failing-read tests below ask for Arjun Mehta too, and are alerted of it.
    const alerts = () => people.members('security').map((member) => people.received(member, people.saying(member, 'helpdesk.alerts.titles.privileged-attempt', {}, name)).length);
    await drain();
    const before = alerts();
    const { id, reply } = await requestFor(person('Jordan Reyes'), name);
    expect(id).toBeUndefined();
    expect(reply).toContain('privileged account');
    expect(reply).toContain(reason);
    const refusals = (await audited('tap.request.refused')).filter((entry) => text(entry.details?.privileged).includes(reason));
    expect(refusals.map((entry) => entry.details?.why)).toEqual(['privileged']);
    await drain();
    expect(alerts()).toEqual(before.map((count) => count + 1));
  });

  it('creates nothing at the reveal when the person joined a role-assignable group after the approval', async () => {
    const agent = person('Marek Dąbrowski');
    const target = user('Nadia Haddad');
    const id = await approvedRequest(agent, 'Nadia Haddad');
    demo().graph.state.addGroupMember(groupNamed('Tier 0 Administrators').id, target.id);
    expect(text(await revealPass(bot, chat, agent, id))).toContain('is now privileged, so no pass was created');
    expect(demo().graph.state.temporaryAccessPass(target.id)).toBeUndefined();
    const denied = (await audited('tap.reveal.denied')).filter((entry) => entry.details?.requestId === id);
    expect(denied.map((entry) => entry.details?.why)).toEqual(['privileged']);
    expect(text(denied[0]?.details?.privileged)).toContain('Global Administrator (through the group Tier 0 Administrators)');
  });
});

describe('when Graph cannot say whether a group passes a role on', () => {
  const reads = (userId: string) => [
    `/v1.0/users/${userId}/memberOf/microsoft.graph.group`,
    `${PIM}/assignmentScheduleInstances`,
    `${PIM}/eligibilityScheduleInstances`,
    '/v1.0/groups',
    '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances',
  ];

  it('opens no request when any of the reads fails', async () => {
    // Arjun's role is only found through all of them: PIM for Groups, the group look-up, then the group's roles.
    const arjun = user('Arjun Mehta');
    for (const path of reads(arjun.id)) {
      const fault = demo().graph.faults.add({ method: 'GET', path, status: 500 });
      const { id, reply } = await requestFor(person('Agnieszka Lewandowska'), 'Arjun Mehta');
      demo().graph.faults.remove(fault.id);
      expect(id, path).toBeUndefined();
      expect(reply, path).toContain('admin roles could not be checked');
      expect(fault.hits, path).toBeGreaterThan(0);
    }
  });

  it('creates no pass at the reveal while a read fails, and keeps the approval for another try', async () => {
    const agent = person('Piotr Kowalski');
    const target = user('Camille Bernard');
    const id = await approvedRequest(agent, 'Camille Bernard');
    for (const path of reads(target.id).slice(0, 3)) {
      const fault = demo().graph.faults.add({ method: 'GET', path, status: 500 });
      const answer = await revealPass(bot, chat, agent, id);
      demo().graph.faults.remove(fault.id);
      expect(text(answer), path).toContain("couldn't check the account's admin roles");
      expect(demo().graph.state.temporaryAccessPass(target.id), path).toBeUndefined();
    }
    demo().graph.state.resetThrottles();
    expect(passShown(await revealPass(bot, chat, agent, id))).toMatch(/^\S{8,}$/);
  });
});
