// The tab's API over HTTP with real SSO tokens from the Graph emulator's token endpoint: who sees what, actions that
// go through the chat's own rules (and show up in the chat), privacy of the refusal list, and the audit view's
// verification, which notices a tampered entry.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';
import { until } from '../support/waiting.js';

const { bot, demo, chat, people } = demoBotSuite();
const tokens = new Map<string, string>();

type Persona = 'employee' | 'manager' | 'helpdesk' | 'approver' | 'security' | 'admin';
const personaId = (role: Persona) => demo().seed.personas![role];

async function call(as: Persona | string, route: string, method = 'GET'): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  if (!tokens.has(as)) {
    const session = (await (await fetch(`${bot().url}/tab/demo/session?as=${as}`)).json()) as { token: string };
    tokens.set(as, session.token);
  }
  const response = await fetch(`${bot().url}/tab/api/${route}`, { method, headers: { authorization: `Bearer ${tokens.get(as)}` } });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // An export is JSON lines, not one JSON value.
  }
  return { status: response.status, body, text };
}

async function openRequest(targetName: string): Promise<string> {
  const agent = chat.person(personaId('helpdesk'));
  const { id } = await requestPass(chat, people, agent, targetName);
  if (!id) throw new Error('no request form');
  await chat.click(agent, 'tap.submit', { requestId: id, check: 'in-person', reason: 'Phone replaced, cannot sign in', lifetime: '60', oneTime: 'true' });
  await settle(bot);
  return id;
}

describe('the tab API', () => {
  it('counts progress once for viewers who ask within seconds of each other', async () => {
    const [first, second] = await Promise.all([call('admin', 'progress'), call('security', 'progress')]);
    expect(first.status).toBe(200);
    expect(first.body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(second.body.asOf).toBe(first.body.asOf);
    expect((await call('admin', 'progress')).body.asOf).toBe(first.body.asOf);
  });

  it('tells each persona their roles, from their groups and whether Entra lists direct reports for them', async () => {
    expect((await call('admin', 'me')).body.roles).toEqual(['admin']);
    expect((await call('helpdesk', 'me')).body.roles).toEqual(['helpdesk']);
    // The approver and security personas each have direct reports in the demo tenant; security approves passes too.
    expect((await call('approver', 'me')).body.roles).toEqual(['approver', 'manager']);
    expect((await call('security', 'me')).body.roles).toEqual(['approver', 'security', 'manager']);
    expect((await call('manager', 'me')).body.roles).toEqual(['manager']);
    expect((await call('employee', 'me')).body.roles).toEqual([]);
  });

  it('lets the agent cancel their request from the tab, but never approve it, and the chat agrees', async () => {
    const id = await openRequest(people.user('Noah Kim').displayName);
    const mine = (await call('helpdesk', 'passes')).body as { mine: { id: string; mayDecide: boolean }[]; toApprove: unknown[] };
    expect(mine.mine.map((item) => item.id)).toContain(id);
    expect(mine.toApprove).toEqual([]);
    expect(JSON.stringify(mine)).not.toContain('Passport');
    // Not an approver: refused before the pass feature is asked (and audited at most once in ten minutes).
    const notApprover = await call('helpdesk', `passes/${id}/approve`, 'POST');
    expect(notApprover.status).toBe(403);
    expect(notApprover.body.message).toContain("isn't available to you");
    expect((await bot().service.features.temporaryAccess.records.get(id))?.value.state).toBe('awaiting-approval');
    // The approver sees it waiting, in the tab and in the chat's list alike.
    const queue = (await call('approver', 'passes')).body as { toApprove: { id: string; mayDecide: boolean }[] };
    expect(queue.toApprove.find((item) => item.id === id)?.mayDecide).toBe(true);
    // Among the requests waiting for the approver (another test's may be listed first).
    expect(JSON.stringify((await chat.say(chat.person(personaId('approver')), 'tap list')).cards)).toMatch(new RegExp(`Waiting for your approval: [^"]*\\b${id}:`));
    expect((await call('approver', `passes/${id}/cancel`, 'POST')).status).toBe(403);
    const cancelled = await call('helpdesk', `passes/${id}/cancel`, 'POST');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.message).toContain('is cancelled');
    expect((await bot().service.features.temporaryAccess.records.get(id))?.value.state).toBe('cancelled');
    // The agent's own list in the chat no longer holds it (others' tests may have left requests of theirs open).
    const agentList = JSON.stringify((await chat.say(chat.person(personaId('helpdesk')), 'tap list')).cards);
    expect(agentList).toContain('Your pass requests and the queue');
    expect(agentList).not.toContain(`${id}:`);
    expect(((await call('approver', 'passes')).body as { toApprove: { id: string }[] }).toApprove.map((item) => item.id)).not.toContain(id);
    // Too late from the tab: nothing changes, and it says so.
    const late = await call('approver', `passes/${id}/approve`, 'POST');
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/Nothing changed: the request is cancelled/);
    expect((await call('helpdesk', `passes/${id}/cancel`, 'POST')).status).toBe(409);
  });

  it('answers forged or odd actions plainly and changes nothing', async () => {
    const unknown = await call('approver', 'passes/T-ZZZZZZ/approve', 'POST');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('There is no such request.');
    expect((await call('approver', 'passes/not-an-id/approve', 'POST')).status).toBe(404);
    const id = await openRequest(people.user('Lena Hoffmann').displayName);
    const launch = await call('approver', `passes/${id}/launch`, 'POST');
    expect(launch.status).toBe(400);
    expect(launch.body.message).toContain('Unknown action');
    const admin = await call('admin', `passes/${id}/approve`, 'POST');
    expect(admin.status).toBe(403);
    expect(admin.body.message).toContain("isn't available to you");
    // An approver who is also on the helpdesk cannot approve their own request: the pass feature's own rule.
    const piotr = chat.person(people.user('Piotr Kowalski').id);
    const { id: own } = await requestPass(chat, people, piotr, people.user('Tyrone Jackson').displayName);
    if (!own) throw new Error('no request form');
    await chat.click(piotr, 'tap.submit', { requestId: own, check: 'in-person', reason: 'Phone replaced, cannot sign in', lifetime: '60', oneTime: 'true' });
    const selfApproval = await call(piotr.id, `passes/${own}/approve`, 'POST');
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.message).toContain('someone else has to approve');
    expect((await bot().service.features.temporaryAccess.records.get(id))?.value.state).toBe('awaiting-approval');
    expect((await call('approver', 'passes', 'DELETE')).status).toBe(405);
  });

  it('records one approval when two approvers click at once, and tells the slower one', async () => {
    const id = await openRequest(people.user('Hannah Müller').displayName);
    const [first, second] = await Promise.all([call('approver', `passes/${id}/approve`, 'POST'), call('security', `passes/${id}/approve`, 'POST')]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const winner = first.status === 200 ? 'approver' : 'security';
    const loser = first.status === 200 ? second : first;
    expect(loser.body.message).toMatch(/Nothing changed: the request is approved/);
    const record = await bot().service.features.temporaryAccess.records.get(id);
    expect(record?.value.approval?.by.id).toBe(personaId(winner));
    const audited = (await bot().service.store.list<{ action: string; details?: { requestId?: string } }>(AUDIT_ENTRIES, { limit: 1000 })).records.filter((entry) => entry.value.action === 'tap.request.approved' && entry.value.details?.requestId === id);
    expect(audited).toHaveLength(1);
  });

  it('lists refusals for admins with topics and reasons, never the words people chose for their manager', async () => {
    const employee = personaId('employee');
    await chat.click(chat.person(employee), 'refusal.confirm', { reason: 'other', details: 'my union rep told me to wait' });
    await until(async () => (await bot().service.features.escalations.records.openFor(employee)) !== undefined);
    const listed = await call('admin', 'escalations');
    expect(listed.status).toBe(200);
    const items = listed.body.items as { employee: string; reason: string; state: string }[];
    expect(items.find((item) => item.employee === demo().seed.users.find((user) => user.id === employee)?.displayName)).toMatchObject({ reason: 'Other', state: 'open' });
    expect(listed.text).not.toContain('union rep');
    expect((await call('helpdesk', 'escalations')).status).toBe(403);
  });

  it("shows security the chain's verification, notices a changed entry, and exports it line by line", async () => {
    // Entries of its own on the trail: the employee tries helpdesk commands, each refused and audited.
    for (const command of ['tap list', 'tap request noah.kim@northwind.example', 'tap cancel T-AAAAAA']) await chat.say(chat.person(personaId('employee')), command);
    const before = await call('security', 'audit');
    expect(before.status).toBe(200);
    expect(before.body.verification).toMatchObject({ ok: true, problemCount: 0 });
    const stored = async () => (await bot().service.store.list<{ action: string }>(AUDIT_ENTRIES, { limit: 1000 })).records;
    const entriesBefore = (await stored()).length;
    // The view lists the refusals the trail holds, this test's three among them.
    const denials = (await stored()).filter((record) => record.value.action === 'tap.command.denied').length;
    expect(denials).toBeGreaterThanOrEqual(3);
    expect((before.body.entries as { action: string }[]).filter((entry) => entry.action === 'tap.command.denied')).toHaveLength(denials);
    const exported = await call('security', 'audit/export');
    expect(exported.status).toBe(200);
    // Every entry there was, one line each, each verified; the export itself is then put on the record.
    const lines = exported.text.trim().split('\n').map((line) => JSON.parse(line) as { seq: number; verified: boolean });
    expect(lines.map((line) => line.seq)).toEqual(Array.from({ length: entriesBefore }, (_, index) => index + 1));
    expect(lines.every((line) => line.verified)).toBe(true);
    const entries = await stored();
    expect(entries.slice(entriesBefore).map((record) => record.value.action)).toEqual(['audit.exported']);
    // Somebody edits one of this test's entries in the store: the view says so. Put back afterwards.
    const victim = entries.findLast((record) => record.value.action === 'tap.command.denied');
    if (!victim) throw new Error('no entry of this test on the trail');
    await bot().service.store.put(AUDIT_ENTRIES, victim.key, { ...victim.value, action: 'tap.request.cancelled' });
    try {
      const after = await call('security', 'audit');
      expect(after.body.verification).toMatchObject({ ok: false });
      expect((after.body.verification as { problems: { kind: string }[] }).problems[0]?.kind).toBe('changed');
    } finally {
      await bot().service.store.put(AUDIT_ENTRIES, victim.key, victim.value);
    }
    expect((await call('security', 'audit')).body.verification).toMatchObject({ ok: true, problemCount: 0 });
    expect((await call('admin', 'audit')).status).toBe(403);
  });
});

describe('the tab pages', () => {
  it('refuses an address that cannot be decoded, and unknown pages, plainly, and keeps serving', async () => {
    expect((await fetch(`${bot().url}/tab/%E0%A4%A`)).status).toBe(404);
    expect((await fetch(`${bot().url}/tab/no-such-page.js`)).status).toBe(404);
    const bare = await fetch(`${bot().url}/tab`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/tab/');
    expect((await fetch(`${bot().url}/tab/api/nothing-here`)).status).toBe(404);
    const page = await fetch(`${bot().url}/tab/`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://teams.microsoft.com");
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });
});

describe('the "talk to a person" queue', () => {
  it('lets the helpdesk take someone they helped out of the queue, from the tab or the chat, once', async () => {
    const [first, second] = [people.user('Julia Becker'), people.user('Oliver Hughes')];
    const mark = (await bot().service.store.list(AUDIT_ENTRIES, { limit: 1000 })).records.length;
    for (const person of [first, second]) await chat.say(chat.person(person.id), 'talk to a person');
    const queue = (await call('helpdesk', 'passes')).body as { help: { userId: string; topics: string[] }[]; waitingForPerson: number };
    expect(queue.help.map((entry) => entry.userId)).toEqual(expect.arrayContaining([first.id, second.id]));
    expect((await call('approver', `help/${first.id}/done`, 'POST')).status).toBe(403);
    expect((await chat.say(chat.person(personaId('employee')), `queue done ${first.userPrincipalName}`)).texts.join(' ')).toContain('worked by the helpdesk only');
    const done = await call('helpdesk', `help/${first.id}/done`, 'POST');
    expect(done.status).toBe(200);
    expect(done.body.message).toContain('marked as helped');
    const again = await call('helpdesk', `help/${first.id}/done`, 'POST');
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already marked as helped by Marek Dąbrowski');
    expect((await call('helpdesk', `help/${personaId('admin')}/done`, 'POST')).status).toBe(404);
    expect((await call('helpdesk', 'help/nobody/done', 'POST')).status).toBe(404);
    expect((await chat.say(chat.person(personaId('helpdesk')), `queue done ${'x'.repeat(400)}@northwind.example`)).texts.join(' ')).toContain('not a sign-in name');
    // The same in the chat, by sign-in name; the queue the chat lists agrees.
    const agent = chat.person(personaId('helpdesk'));
    expect((await chat.say(agent, `queue done ${second.userPrincipalName}`)).texts.join(' ')).toContain(`${second.displayName} is marked as helped`);
    const listed = JSON.stringify((await chat.say(agent, 'tap list')).cards);
    expect(listed).not.toContain(first.displayName);
    expect(listed).not.toContain(second.displayName);
    const after = (await call('helpdesk', 'passes')).body as { help: { userId: string }[] };
    expect(after.help.map((entry) => entry.userId)).not.toContain(first.id);
    const entries = (await bot().service.store.list<{ action: string }>(AUDIT_ENTRIES, { limit: 1000 })).records.slice(mark);
    expect(entries.filter((record) => record.value.action === 'helpdesk.request.closed')).toHaveLength(2);
    // Asking again puts them back in the queue.
    await chat.say(chat.person(first.id), 'talk to a person');
    expect(((await call('helpdesk', 'passes')).body as { help: { userId: string }[] }).help.map((entry) => entry.userId)).toContain(first.id);
  });
});
