// VERIFIED_ID_REQUIRED=all, end to end: the form offers Verified ID only, approval is refused (and the Approve button
// absent) until the person's presentation is verified, and a failed one keeps it blocked. The lost-wallet route
// (VERIFIED_ID_RECOVERY_URL) is offered on the form.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';

const RECOVERY = 'https://myaccount.northwind.example/recover';
const { bot, demo, chat, people } = demoBotSuite({ VERIFIED_ID_REQUIRED: 'all', VERIFIED_ID_RECOVERY_URL: RECOVERY, TAP_REQUESTS_PER_HOUR: '20', TAP_BURST_PER_HOUR: '100' }, { inMemory: true });

const user = people.user;
const person = (name: string) => chat.person(user(name).id);
const text = (value: unknown) => JSON.stringify(value);
const drain = () => settle(bot);
const records = () => bot().service.features.temporaryAccess.records;
const approver = () => person('Katarzyna Zielińska');

function approvalCards(requestId: string): string[] {
  return demo()
    .connector.activities({ userId: user('Katarzyna Zielińska').id })
    .filter((record) => (record.kind === 'send' || record.kind === 'update') && text(record.activity).includes(requestId) && text(record.activity).includes('tap.deny'))
    .map((record) => text(record.activity));
}

describe('when policy requires a verified presentation for every pass', { timeout: 60_000 }, () => {
  it('offers only Verified ID on the form, with account recovery for a lost wallet, and refuses another check', async () => {
    const agent = person('Marek Dąbrowski');
    const { id, reply } = await requestPass(chat, people, agent, 'Daniel Okafor');
    expect(reply).toContain('"value":"verified-id"');
    for (const other of ['video-id', 'in-person', 'manager', 'verified-credential']) expect(reply).not.toContain(`"value":"${other}"`);
    expect(reply).toContain(RECOVERY);
    const refused = await chat.click(agent, 'tap.submit', { requestId: id, check: 'video-id', reason: 'Lost phone', lifetime: '60' });
    expect(text(refused.value)).toContain(people.said(agent.id, 'helpdesk.form.verifiedIdRequired'));
    expect((await records().get(id ?? ''))?.value.state).toBe('draft');
  });

  it('blocks approval until the presentation is verified, then lets it through', async () => {
    const agent = person('Jordan Reyes');
    const target = user('Olivia Bennett');
    const { id = '' } = await requestPass(chat, people, agent, 'Olivia Bennett');
    await chat.click(agent, 'tap.submit', { requestId: id, check: 'verified-id', reason: 'New phone', lifetime: '60' });
    await drain();
    // The approvers' card waits: no Approve button, and a click is refused and audited.
    const waiting = approvalCards(id).at(-1) ?? '';
    expect(waiting).not.toContain('tap.approve');
    expect(waiting).toContain('tap.deny');
    const early = await chat.click(approver(), 'tap.approve', { requestId: id });
    expect(text(early.value)).toContain(people.said(approver().id, 'helpdesk.approvers.needsPresentation', { name: 'Olivia Bennett' }));
    expect((await records().get(id))?.value.state).toBe('awaiting-approval');
    const denied = (await bot().service.store.list<{ action: string; details?: Record<string, unknown> }>(AUDIT_ENTRIES, { limit: 1000 })).records.filter((record) => record.value.action === 'tap.approval.denied' && record.value.details?.requestId === id);
    expect(denied.map((record) => record.value.details?.why)).toEqual(['no verified presentation']);
    // The tab's queue holds its Approve button back too (refusing stays possible).
    const before = await bot().service.features.temporaryAccess.summary({ id: approver().id, name: 'Katarzyna Zielińska' }, id);
    expect(before).toMatchObject({ mayDecide: true, awaitsPresentation: true });

    const state = (await records().get(id))?.value.presentation?.state;
    const held = demo().verifiedId.requests().find((candidate) => candidate.state === state);
    await demo().verifiedId.present(held?.requestId ?? '', { holder: target.userPrincipalName, faceMatch: 84 });
    await drain();
    expect(approvalCards(id).at(-1)).toContain('tap.approve');
    // The tab's queue says the same.
    const summary = await bot().service.features.temporaryAccess.summary({ id: approver().id, name: 'Katarzyna Zielińska' }, id);
    expect(summary?.checks.join('\n')).toMatch(/Verified ID with Face Check: verified at .*84%/);
    expect(summary?.awaitsPresentation).toBe(false);
    const approved = await chat.click(approver(), 'tap.approve', { requestId: id });
    expect(text(approved.value)).toContain('Approved by');
    expect((await records().get(id))?.value.state).toBe('approved');
  });

  it('keeps approval blocked after a failed presentation', async () => {
    const agent = person('Piotr Kowalski');
    const { id = '' } = await requestPass(chat, people, agent, 'Aisha Rahman');
    await chat.click(agent, 'tap.submit', { requestId: id, check: 'verified-id', reason: 'New phone', lifetime: '60' });
    await drain();
    const state = (await records().get(id))?.value.presentation?.state;
    const held = demo().verifiedId.requests().find((candidate) => candidate.state === state);
    await demo().verifiedId.present(held?.requestId ?? '', { holder: user('Aisha Rahman').userPrincipalName, decline: true });
    await drain();
    expect((await records().get(id))?.value.presentation).toMatchObject({ status: 'failed', failure: 'declined' });
    const refused = await chat.click(approver(), 'tap.approve', { requestId: id });
    expect(text(refused.value)).toContain(people.said(approver().id, 'helpdesk.approvers.needsPresentation', { name: 'Aisha Rahman' }));
    expect((await records().get(id))?.value.state).toBe('awaiting-approval');
    expect(approvalCards(id).at(-1)).not.toContain('tap.approve');
  });
});
