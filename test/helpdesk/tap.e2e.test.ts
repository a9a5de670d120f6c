// Helpdesk Temporary Access Passes end to end, against the real bot, the Graph emulator and the connector emulator:
// request → the manager's own confirmation → approval by a second person → reveal in a dialog → the pass in Graph
// with the asked lifetime → a second reveal shows nothing → the person, their manager and security are told →
// "this wasn't me" undoes it. Every refusal is clear and audited, parallel clicks act once, Graph failures during
// creation leave exactly one pass, and the pass value is found nowhere afterwards.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { exportAudit } from '../../src/audit/audit-export.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { passShown, requestPass, revealPass, settle } from '../support/outreach-helpers.js';
import type { Person } from '../support/teams-chat.js';

// A short Graph timeout, so a lost answer (the lost-answer test) shows in seconds.
const { bot, demo, chat, people } = demoBotSuite({ TAP_REQUESTS_PER_HOUR: '4', GRAPH_TIMEOUT_SECONDS: '3' });

const outreach = () => bot().service.features;
const user = people.user;
const person = (name: string) => chat.person(user(name).id);
const members = people.members;
const text = (value: unknown) => JSON.stringify(value);

const drain = () => settle(bot);
const received = people.received;

async function _say(who: Person, words: string) {
  return chat.say(who, words);
}

/** `tap request <upn>`; returns the request id from the form. */
async function requestFor(agent: Person, targetName: string): Promise<string> {
  const { id, reply } = await requestPass(chat, people, agent, targetName);
  if (!id) throw new Error(`no request form: ${reply}`);
  return id;
}

async function submit(agent: Person, requestId: string, fields: Record<string, unknown> = {}) {
  return chat.click(agent, 'tap.submit', { requestId, check: 'video-id', note: 'Passport held up to the camera', reason: 'Lost phone, needs a new passkey', lifetime: '120', oneTime: 'true', ...fields });
}

const reveal = (who: Person, requestId: string) => revealPass(bot, chat, who, requestId);
const passIn = passShown;

// Each test brings its own request to the state it starts from, for a person no other test here asks a pass for, by
// an agent who asks at most twice in this file (the hourly limit here is 4). Each request reads the person's passes,
// which the bot paces at 5 reads in 10.5 s: the later tests wait a few seconds for their turn.

/** Asked for and sent (identity checked on video, so no manager step): waiting for an approver. */
async function awaitingApproval(agent: Person, targetName: string): Promise<string> {
  const requestId = await requestFor(agent, targetName);
  await submit(agent, requestId);
  await drain();
  expect((await outreach().temporaryAccess.records.get(requestId))?.value.state).toBe('awaiting-approval');
  return requestId;
}

/** Approved by Katarzyna Zielińska: waiting for the agent to reveal it. */
async function approved(agent: Person, targetName: string): Promise<string> {
  const requestId = await awaitingApproval(agent, targetName);
  expect(text((await chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId })).value)).toContain('Approved by');
  await drain();
  return requestId;
}

/** Revealed by the agent: the pass exists in Graph, and the test has the value the dialog showed. */
async function created(agent: Person, targetName: string): Promise<{ requestId: string; pass: string }> {
  const requestId = await approved(agent, targetName);
  const pass = passIn(await reveal(agent, requestId)) ?? '';
  expect(pass).toMatch(/^\S{8,}$/);
  await drain();
  return { requestId, pass };
}

async function auditEntries(action: string, requestId: string): Promise<{ details?: Record<string, unknown> }[]> {
  const entries = await bot().service.store.list<{ action: string; details?: Record<string, unknown> }>(AUDIT_ENTRIES, { limit: 1000 });
  return entries.records.filter((record) => record.value.action === action && record.value.details?.requestId === requestId).map((record) => record.value);
}

async function audited(action: string, requestId?: string): Promise<number> {
  const entries = await bot().service.store.list<{ action: string; details?: { requestId?: string } }>(AUDIT_ENTRIES, { limit: 1000 });
  return entries.records.filter((record) => record.value.action === action && (requestId === undefined || record.value.details?.requestId === requestId)).length;
}

const creationPosts = (targetId: string) => demo().graph.calls.list().filter((call) => call.method === 'POST' && call.path.toLowerCase().endsWith(`/users/${targetId}/authentication/temporaryaccesspassmethods`));

describe('a pass from request to "this wasn\'t me"', () => {
  it('asks the manager directly, then the approvers, and shows who checked what', async () => {
    const agent = person('Marek Dąbrowski');
    const requestId = await requestFor(agent, 'Ava Patel');
    const sent = await submit(agent, requestId, { check: 'manager', note: 'Also on a video call' });
    expect(text(sent.value)).toContain('Ethan Brooks');
    await drain();
    const ask = received(user('Ethan Brooks').id, /Is Ava Patel asking the helpdesk for access right now/);
    expect(ask).toHaveLength(1);
    // Nothing goes to the approvers before the manager answers.
    expect(received(user('Katarzyna Zielińska').id, new RegExp(requestId))).toHaveLength(0);
    // The agent cannot answer for the manager.
    expect(text((await chat.click(agent, 'tap.confirm', { requestId, answer: 'yes' })).value)).toContain("isn't yours to act on");
    const confirmed = await chat.click(person('Ethan Brooks'), 'tap.confirm', { requestId, answer: 'yes' });
    expect(text(confirmed.value)).toContain('You answered: yes');
    await drain();
    for (const approver of members('tap-approvers').filter((id) => id !== agent.id)) {
      // In each approver's language; the sentences up to the time they name.
      const card = received(approver, people.saying(approver, 'helpdesk.approval.title', { name: 'Ava Patel' }));
      const upToTime = (key: string, params: Record<string, string>) => people.said(approver, key, { ...params, time: '\u0000' }).split('\u0000')[0] as string;
      expect(card, approver).toHaveLength(1);
      expect(text(card[0]?.activity)).toContain(upToTime('helpdesk.approval.managerConfirmed', { name: 'Ethan Brooks' }));
      expect(text(card[0]?.activity)).toContain(upToTime('helpdesk.approval.checkStated', { check: people.said(approver, 'helpdesk.checks.manager'), name: 'Marek Dąbrowski' }));
    }
  });

  it('refuses approval by the requester, by the target and by someone outside the approvers, each audited', async () => {
    const agent = person('Jordan Reyes');
    const requestId = await awaitingApproval(agent, 'Noah Kim');
    expect(text((await chat.click(agent, 'tap.approve', { requestId })).value)).toContain('someone else has to approve it');
    expect(text((await chat.click(person('Noah Kim'), 'tap.approve', { requestId })).value)).toContain("The pass is for you, so you can't approve it");
    expect(text((await chat.click(person('Agnieszka Lewandowska'), 'tap.approve', { requestId })).value)).toContain('Only the pass approvers can approve this');
    expect(await audited('tap.approval.denied', requestId)).toBe(3);
    expect((await outreach().temporaryAccess.records.get(requestId))?.value.state).toBe('awaiting-approval');
  });

  it('two approvers at the same instant: one approval, and the receiver gets the reveal card', async () => {
    const agent = person('Piotr Kowalski');
    const requestId = await awaitingApproval(agent, 'Mia Rodriguez');
    const [first, second] = await Promise.all([chat.click(person('Katarzyna Zielińska'), 'tap.approve', { requestId }), chat.click(person('Nora Jansen'), 'tap.approve', { requestId })]);
    expect(text(first.value)).toContain('Approved by');
    expect(text(second.value)).toContain('Approved by');
    expect(await audited('tap.request.approved', requestId)).toBe(1);
    await drain();
    expect(received(agent.id, /Pass for Mia Rodriguez approved/)).toHaveLength(1);
    // Nothing is created by approving.
    expect(creationPosts(user('Mia Rodriguez').id)).toHaveLength(0);
  });

  it('reveals once, in a dialog, with the asked lifetime and one-time use; 30 clicks at once make one pass', async () => {
    const agent = person('Marek Dąbrowski');
    const target = user('Charlotte Evans');
    const requestId = await approved(agent, 'Charlotte Evans');
    const clicks = await Promise.all(Array.from({ length: 30 }, () => reveal(agent, requestId)));
    const dialogs = clicks.filter((dialog) => dialog.task.type === 'continue');
    expect(dialogs).toHaveLength(1);
    const others = clicks.filter((dialog) => dialog.task.type !== 'continue');
    expect(others).toHaveLength(29);
    for (const other of others) expect(text(other)).toContain('shown only once');
    const pass = passIn(dialogs[0] as { task: { type: string; value: unknown } }) ?? '';
    expect(pass).toMatch(/^\S{8,}$/);
    expect(creationPosts(target.id)).toHaveLength(1);
    const inGraph = demo().graph.state.temporaryAccessPass(target.id);
    expect(inGraph).toMatchObject({ lifetimeInMinutes: 120, isUsableOnce: true });
    expect(demo().graph.state.redeemTemporaryAccessPass(target.id, 'not-the-pass').redeemed).toBe(false);
    // A third click, and anyone else's, shows nothing.
    expect(text(await reveal(agent, requestId))).toContain('shown only once');
    expect(text(await reveal(person('Katarzyna Zielińska'), requestId))).toContain('nothing to show');
  });

  it('tells the person, their manager and security, who made it and who approved it, each in their own language', async () => {
    await created(person('Jordan Reyes'), 'Hannah Müller');
    // Hannah's directory language is German (de-CH), her manager's English, Nora Jansen's (security) Dutch.
    const toTarget = received(user('Hannah Müller').id, /Für Sie wurde ein befristeter Zugriffspass erstellt/);
    expect(toTarget).toHaveLength(1);
    expect(text(toTarget[0]?.activity)).toContain('von Jordan Reyes (Helpdesk) erstellt und von Katarzyna Zielińska genehmigt');
    expect(text(toTarget[0]?.activity)).toContain('Das war ich nicht');
    expect(received(user('Hannah Müller').id, /A Temporary Access Pass was created/)).toHaveLength(0);
    expect(received(user('James Whitfield').id, /A Temporary Access Pass was created for Hannah Müller/)).toHaveLength(1);
    expect(received(user('Nora Jansen').id, /Pas aangemaakt voor Hannah Müller/)).toHaveLength(1);
    for (const member of members('security')) expect(received(member, people.saying(member, 'helpdesk.created.forSecurityTitle', { name: 'Hannah Müller' })), member).toHaveLength(1);
  });

  it('"this wasn\'t me" deletes the pass, revokes sessions and removes the method registered since, and alerts security', async () => {
    const { requestId } = await created(person('Piotr Kowalski'), 'Emily Carter');
    const emily = user('Emily Carter').id;
    demo().graph.state.enrolMethod(emily, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'Attacker phone', aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84', attestationLevel: 'attested' });
    const before = demo().graph.state.methods(emily).length;
    expect(text((await chat.click(person('Katarzyna Zielińska'), 'tap.not-me', { requestId })).value)).toContain("isn't yours to act on");
    const answer = await chat.click(person('Emily Carter'), 'tap.not-me', { requestId });
    expect(text(answer.value)).toContain('The pass is deleted');
    expect(demo().graph.state.temporaryAccessPass(emily)).toBeUndefined();
    expect(demo().graph.state.methods(emily).some((method) => method.displayName === 'Attacker phone')).toBe(false);
    expect(demo().graph.state.methods(emily).length).toBe(before - 2);
    expect(demo().graph.state.revocations().some((revocation) => revocation.userId === emily && revocation.reason === 'revokeSignInSessions')).toBe(true);
    await drain();
    for (const member of members('security')) expect(received(member, people.saying(member, 'helpdesk.alerts.titles.not-me', {}, 'Emily Carter')), member).toHaveLength(1);
    expect(await audited('tap.not-me', requestId)).toBe(1);
  });

  it('leaves the pass value nowhere: not in Teams messages, the database file, the logs or the audit export', async () => {
    const { requestId, pass } = await created(person('Agnieszka Lewandowska'), 'Marco Rossi');
    const exported: string[] = [];
    const { report } = await exportAudit(bot().service.store, { keys: bot().service.config.audit.keys }, (line) => exported.push(line));
    expect(report.ok).toBe(true);
    expect(exported.filter((line) => line.includes('tap.created') && line.includes(requestId))).toHaveLength(1);
    const wal = `${bot().databaseFile}-wal`;
    const everywhere = [
      exported.join('\n'),
      text(demo().connector.allActivities()),
      readFileSync(bot().databaseFile as string).toString('latin1'),
      existsSync(wal) ? readFileSync(wal).toString('latin1') : '',
      bot().logs.lines.join('\n'),
    ];
    for (const haystack of everywhere) expect(haystack.includes(pass)).toBe(false);
  });
});

describe('a lost answer from Graph', () => {
  it('creates again when Graph’s answer is lost (the first pass is replaced), shows the pass Graph holds, and audits both', async () => {
    const agent = person('Agnieszka Lewandowska');
    const target = user('Olivia Bennett');
    const id = await requestFor(agent, 'Olivia Bennett');
    await submit(agent, id, { lifetime: '90', check: 'in-person' });
    await drain();
    await chat.click(person('Nora Jansen'), 'tap.approve', { requestId: id });
    const passPath = new RegExp(`/users/${target.id}/authentication/temporaryAccessPassMethods$`, 'i');
    // The first creation answers after the bot has given up on it (3 s): it lands, but its answer is lost.
    demo().graph.faults.add({ method: 'POST', path: passPath, delayMs: 4_000, times: 1 });
    const dialog = await reveal(agent, id);
    expect(dialog.task.type).toBe('continue');
    const shown = passShown(dialog) ?? '';
    const posts = demo().graph.calls.list().filter((call) => call.method === 'POST' && passPath.test(call.path));
    expect(posts.map((call) => call.status)).toEqual([201, 201]);
    // Exactly one valid pass, and it is the one shown.
    expect(demo().graph.state.temporaryAccessPass(target.id)).toMatchObject({ lifetimeInMinutes: 90 });
    expect(demo().graph.state.redeemTemporaryAccessPass(target.id, shown)).toMatchObject({ redeemed: true });
    const failed = await auditEntries('tap.create.failed', id);
    const created = await auditEntries('tap.created', id);
    expect(failed.map((entry) => entry.details?.attempt)).toEqual([1]);
    expect(created.map((entry) => entry.details?.attempt)).toEqual([2]);
  }, 30_000);
});
