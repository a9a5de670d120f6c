// Attacks on `tap request` from an outside review, each through the real endpoint: accounts that are not a person's
// (a guest, a room, a shared mailbox that can sign in) must get no pass, and the per-agent hourly limit must hold
// when one agent sends many requests at once.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { TAP_REQUESTS_PARTITION } from '../../src/helpdesk/tap-records.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';

const LIMIT = 5;
const { bot, demo, chat, people } = demoBotSuite({ TAP_REQUESTS_PER_HOUR: String(LIMIT), TAP_BURST_PER_HOUR: '8' }, { startAt: '2026-12-01T09:00:00.000Z', inMemory: true });

const person = (name: string) => chat.person(people.user(name).id);

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

/** How many messages matching `pattern` each member of security has had. */
const securityReceived = (key: string) => people.members('security').map((member) => people.received(member, people.saying(member, key)).length);

/**
 * Whether the seed could make the person privileged: named in its roles or anywhere outside the user and group lists
 * (break-glass, role or eligibility records), or a member of a group so named or of the privileged group.
 */
function mayBePrivileged(userId: string): boolean {
  const { users: _users, groups, personas: _personas, ...rest } = demo().seed;
  const named = JSON.stringify(rest);
  if (named.includes(userId)) return true;
  return groups.some((group) => group.members.includes(userId) && (group.role === 'privileged' || named.includes(group.id)));
}

async function requestsOpened(): Promise<number> {
  return (await bot().service.store.list(TAP_REQUESTS_PARTITION, { limit: 1000 })).records.length;
}

// Each test starts an hour after the last: one test's attempts never count against another's limit.
beforeEach(() => {
  vi.setSystemTime(new Date(Date.now() + 61 * 60_000));
  demo().graph.state.resetThrottles();
});

describe('accounts that are not a person’s', () => {
  it('refuses a guest, a room and an enabled shared mailbox, says why, and audits it', async () => {
    const agent = person('Jordan Reyes');
    const shared = demo().graph.state.user('servicedesk@northwind.example');
    if (!shared) throw new Error('no shared mailbox in the demo tenant');
    // Shared mailboxes should not sign in, but tenants forget to block them: the mailbox's purpose decides.
    shared.accountEnabled = true;
    try {
      const before = await requestsOpened();
      const mark = await auditMark();
      const cases: [string, RegExp, string][] = [
        ['Jane Doe (Contoso Audit)', /guest from another organisation/, 'guest'],
        ['Basel Boardroom (12)', /shared, room or equipment account/, 'shared-or-resource-account'],
        ['Northwind Service Desk', /shared, room or equipment account/, 'shared-or-resource-account'],
      ];
      for (const [name, answer] of cases) {
        const { id, reply } = await requestPass(chat, people, agent, name);
        expect(id, name).toBeUndefined();
        expect(reply, name).toMatch(answer);
      }
      expect(await requestsOpened()).toBe(before);
      const refusals = (await audited('tap.request.refused', mark)).map((entry) => entry.details?.why);
      expect(refusals).toEqual(cases.map(([, , why]) => why));
    } finally {
      shared.accountEnabled = false;
    }
  });

  it("refuses, and says why, when Graph will not show the target's mailbox settings: a shared mailbox cannot be ruled out", async () => {
    const agent = person('Marek Dąbrowski');
    const target = demo().seed.users.filter((user) => user.userType === 'Member' && user.accountKind === 'person' && user.accountEnabled !== false && !mayBePrivileged(user.id)).at(-3);
    if (!target) throw new Error('no person to ask a pass for');
    const mark = await auditMark();
    // What an application access policy makes Exchange answer for this one mailbox.
    // The pass request looks the target up by UPN (or id): either way, only this person's mailbox settings.
    const upnLocal = target.userPrincipalName.split('@')[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const fault = demo().graph.faults.add({ method: 'GET', path: new RegExp(`/users/(${target.id}|${upnLocal}[^/]*)/mailboxSettings`, 'i'), status: 403 });
    try {
      const { id, reply } = await requestPass(chat, people, agent, target.displayName);
      expect(id).toBeUndefined();
      expect(reply).toMatch(/can't tell whether .* belongs to a person or is a shared, room or equipment mailbox/);
      expect(fault.hits).toBeGreaterThan(0);
      expect((await audited('tap.request.refused', mark)).map((entry) => entry.details?.why)).toEqual(['mailbox-unreadable']);
    } finally {
      demo().graph.faults.remove(fault.id);
    }
    // Readable again: the same request goes ahead.
    expect((await requestPass(chat, people, agent, target.displayName)).id).toMatch(REQUEST_ID);
  });

  it('still serves a person whose account has no mailbox at all', async () => {
    const target = demo().graph.state.user(people.user('Noah Kim').id);
    if (!target) throw new Error('no Noah Kim');
    const mail = target.mail;
    target.mail = undefined;
    try {
      const { id, reply } = await requestPass(chat, people, person('Marek Dąbrowski'), 'Noah Kim');
      expect(id, reply).toMatch(REQUEST_ID);
    } finally {
      target.mail = mail;
    }
  });
});

describe('the per-agent hourly limit under concurrency', () => {
  it(`opens exactly ${LIMIT} of 30 requests sent at once by one agent, refuses the rest, and alerts security once`, async () => {
    const agent = person('Piotr Kowalski');
    const targets = demo()
      .seed.users.filter((user) => user.userType === 'Member' && user.accountKind === 'person' && user.accountEnabled !== false && user.id !== agent.id && !mayBePrivileged(user.id))
      .slice(0, 30);
    expect(targets).toHaveLength(30);
    const before = await requestsOpened();
    const mark = await auditMark();
    // What earlier tests still had on its way is delivered before the counts are taken.
    await settle(bot, { fakeClock: true });
    const alertsBefore = { limit: securityReceived('helpdesk.alerts.titles.rate-limit'), burst: securityReceived('helpdesk.alerts.titles.burst') };
    const replies = await Promise.all(targets.map((target) => requestPass(chat, people, agent, target.displayName)));
    const opened = replies.filter((reply) => reply.id !== undefined);
    expect(opened).toHaveLength(LIMIT);
    expect(await requestsOpened()).toBe(before + LIMIT);
    expect(replies.filter((reply) => reply.reply.includes('the most allowed'))).toHaveLength(30 - LIMIT);
    expect((await audited('tap.request.refused', mark)).map((entry) => entry.details?.why)).toEqual(Array.from({ length: 30 - LIMIT }, () => 'rate-limit'));
    await settle(bot, { fakeClock: true });
    // One alert to each member of security (the next test's agent reaches the limit too, in an hour of its own).
    expect(securityReceived('helpdesk.alerts.titles.rate-limit')).toEqual(alertsBefore.limit.map((count) => count + 1));
    // The helpdesk-wide burst alert (8 here) counts the same attempts, once an hour.
    expect(securityReceived('helpdesk.alerts.titles.burst')).toEqual(alertsBefore.burst.map((count) => count + 1));
  });

  it('counts refused attempts too: names that do not exist use up the hour', async () => {
    const agent = person('Agnieszka Lewandowska');
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      const reply = await chat.say(agent, `tap request nobody-${attempt}@northwind.example`);
      expect(reply.texts.join(' ')).toContain("can't find");
    }
    const { id, reply } = await requestPass(chat, people, agent, 'Mia Rodriguez');
    expect(id).toBeUndefined();
    expect(reply).toContain('the most allowed');
    // An hour later the agent may ask again.
    vi.setSystemTime(new Date(Date.now() + 61 * 60_000));
    demo().graph.state.resetThrottles();
    expect((await requestPass(chat, people, agent, 'Mia Rodriguez')).id).toMatch(REQUEST_ID);
  });
});
