// Verified ID with Face Check as a pass request's identity check, end to end: the real bot through its endpoint, the
// Graph and Bot Connector emulators, and the local Verified ID Request Service, whose wallet holders the tests play.
// The person gets the link (and the agent a QR code for a video call); the approvers' card shows the result; a wrong
// person, a low Face Check score, an expired or replayed callback and one without the secret header are refused.

import { describe, expect, it, vi } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { requestPass, settle } from '../support/outreach-helpers.js';
import type { Person } from '../support/teams-chat.js';

const { bot, demo, chat, people } = demoBotSuite({ TAP_REQUESTS_PER_HOUR: '20', TAP_BURST_PER_HOUR: '100' }, { startAt: '2026-12-07T09:00:00.000Z', inMemory: true });

const user = people.user;
const person = (name: string) => chat.person(user(name).id);
const text = (value: unknown) => JSON.stringify(value);
const drain = () => settle(bot, { fakeClock: true });
const records = () => bot().service.features.temporaryAccess.records;
const vid = () => demo().verifiedId;
const APPROVER = 'Katarzyna Zielińska';

/** `tap request`, then the form sent with Verified ID as the check: the request, and the service's presentation request. */
async function verifying(agent: Person, targetName: string) {
  // The clock stands still between steps (fake Date): move it as the seconds between two helpdesk calls would, so
  // Graph's pace for reading passes (5 reads in 10 s) lets this request's reads through without waiting.
  vi.setSystemTime(new Date(Date.now() + 11_000));
  const { id, reply } = await requestPass(chat, people, agent, targetName);
  if (!id) throw new Error(`no request form: ${reply}`);
  const sent = await chat.click(agent, 'tap.submit', { requestId: id, check: 'verified-id', reason: 'New phone, restored with Authenticator', lifetime: '60', oneTime: 'true' });
  await drain();
  const request = (await records().get(id))?.value;
  const held = vid().requests().find((candidate) => candidate.state === request?.presentation?.state);
  if (!request || !held) throw new Error(`no presentation for ${id}: ${text(sent)}`);
  return { id, serviceId: held.requestId, held, sent };
}

async function audited(action: string, requestId: string): Promise<Record<string, unknown>[]> {
  const entries = await bot().service.store.list<{ action: string; details?: Record<string, unknown> }>(AUDIT_ENTRIES, { limit: 1000 });
  return entries.records.filter((record) => record.value.action === action && record.value.details?.requestId === requestId).map((record) => record.value.details ?? {});
}

/** The latest version of each approval card for the request the approver holds (sent, then updated). */
function approverCard(approverId: string, requestId: string): string {
  const versions = demo().connector.activities({ userId: approverId }).filter((record) => (record.kind === 'send' || record.kind === 'update') && text(record.activity).includes(requestId) && text(record.activity).includes('tap.deny'));
  return text(versions.at(-1)?.activity ?? '');
}

async function callback(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${bot().url}/api/verifiedid/callback`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { outcome?: string } };
}

// Every request reads the person's passes, which the bot paces at 5 reads in 10 s: later tests wait their turn.
describe('Verified ID with Face Check on a pass request', { timeout: 60_000 }, () => {
  it('asks the service for a presentation bound to the person, sends them the link, and shows the verified result on the approval card', async () => {
    const agent = person('Marek Dąbrowski');
    const target = user('Ava Patel');
    const { id, serviceId, held, sent } = await verifying(agent, 'Ava Patel');
    // Bound to the person: the tenant's DID as the only issuer, their UPN as the revocationId, Face Check at 70.
    expect(held).toMatchObject({ type: 'VerifiedEmployee', authority: vid().authorityDid, acceptedIssuers: [vid().authorityDid], constraints: [{ claimName: 'revocationId', values: [target.userPrincipalName] }], faceCheck: { sourcePhotoClaimName: 'photo', matchConfidenceThreshold: 70 }, allowRevoked: false });
    expect(held.callbackUrl).toBe(`${bot().url}/api/verifiedid/callback`);
    // The agent's card: the QR code and the link, for a video call.
    expect(text(sent.value)).toContain('data:image/png;base64,');
    expect(text(sent.value)).toContain('openid-vc://');
    // The person's chat: the link and the QR code, in their language.
    const link = people.received(target.id, people.saying(target.id, 'helpdesk.verify.title'));
    expect(link).toHaveLength(1);
    expect(text(link[0]?.activity)).toContain('openid-vc://');
    // The approvers wait for it.
    const waiting = approverCard(user(APPROVER).id, id);
    expect(waiting).toContain(people.said(user(APPROVER).id, 'helpdesk.approval.presentationWaiting', { name: 'Ava Patel', time: '\u0000' }).split('\u0000')[0]);

    const result = await vid().present(serviceId, { holder: target.userPrincipalName, faceMatch: 88 });
    expect(result.callbacks).toEqual([{ requestStatus: 'request_retrieved', status: 200 }, { requestStatus: 'presentation_verified', status: 200 }]);
    await drain();
    const request = (await records().get(id))?.value;
    expect(request?.presentation).toMatchObject({ status: 'verified', issuer: vid().authorityDid, matchConfidence: 88 });
    expect(JSON.stringify(request)).not.toContain('photo');
    const evidence = approverCard(user(APPROVER).id, id);
    expect(evidence).toContain('88');
    expect(evidence).toContain(vid().authorityDid);
    expect(await audited('tap.verifiedid.verified', id)).toHaveLength(1);
    // The agent hears the result, and the approval goes through.
    expect(people.received(agent.id, new RegExp(`${id}[\\s\\S]*88`))).not.toHaveLength(0);
    await chat.click(person(APPROVER), 'tap.approve', { requestId: id });
    expect((await records().get(id))?.value.state).toBe('approved');
  });

  it('shows the approvers when the person has opened the link, before the result', async () => {
    const { id, serviceId } = await verifying(person('Piotr Kowalski'), 'Sophie Laurent');
    const state = (await records().get(id))?.value.presentation?.state;
    const opened = people.said(user(APPROVER).id, 'helpdesk.approval.presentationOpened', { name: 'Sophie Laurent', time: '\u0000' }).split('\u0000')[0] ?? '';
    expect(approverCard(user(APPROVER).id, id)).not.toContain(opened);
    expect(await vid().sendCallback(serviceId, { requestId: serviceId, requestStatus: 'request_retrieved', state })).toBe(200);
    await drain();
    expect((await records().get(id))?.value.presentation?.status).toBe('retrieved');
    expect(approverCard(user(APPROVER).id, id)).toContain(opened);
    // The same notice again changes nothing.
    expect(await vid().sendCallback(serviceId, { requestId: serviceId, requestStatus: 'request_retrieved', state })).toBe(409);
  });

  it("refuses another person's credential even when the service passes it (wrong person), and records the failure", async () => {
    const { id, serviceId } = await verifying(person('Jordan Reyes'), 'Noah Kim');
    // Authenticator offers only a credential that meets the constraint: another person's wallet has none to present.
    expect(await vid().present(serviceId, { holder: user('Mia Rodriguez').userPrincipalName })).toEqual({ outcome: 'no-matching-credential', callbacks: [] });
    // A service that ignores its own constraint: the coach checks the revocationId itself.
    const result = await vid().present(serviceId, { holder: user('Mia Rodriguez').userPrincipalName, misbehave: 'ignore-constraints' });
    expect(result.callbacks.at(-1)).toEqual({ requestStatus: 'presentation_verified', status: 422 });
    await drain();
    expect((await records().get(id))?.value.presentation).toMatchObject({ status: 'failed', failure: 'wrong-person' });
    expect(await audited('tap.verifiedid.failed', id)).toEqual([expect.objectContaining({ failure: 'wrong-person' })]);
    expect(approverCard(user(APPROVER).id, id)).toContain(people.said(user(APPROVER).id, 'helpdesk.presentationFailures.wrong-person'));
  });

  it('refuses a Face Check score below the threshold, whether the service reports it as an error or passes it', async () => {
    const first = await verifying(person('Piotr Kowalski'), 'Charlotte Evans');
    const reported = await vid().present(first.serviceId, { holder: user('Charlotte Evans').userPrincipalName, faceMatch: 55 });
    expect(reported.callbacks.at(-1)).toEqual({ requestStatus: 'presentation_error', status: 200 });
    expect((await records().get(first.id))?.value.presentation).toMatchObject({ status: 'failed', failure: 'low-confidence' });

    const second = await verifying(person('Agnieszka Lewandowska'), 'Chloe Nguyen');
    const passed = await vid().present(second.serviceId, { holder: user('Chloe Nguyen').userPrincipalName, faceMatch: 55, misbehave: 'ignore-threshold' });
    expect(passed.callbacks.at(-1)).toEqual({ requestStatus: 'presentation_verified', status: 422 });
    expect((await records().get(second.id))?.value.presentation).toMatchObject({ status: 'failed', failure: 'low-confidence', matchConfidence: 55 });
  });

  it('refuses a replayed callback and a callback without the secret header, and changes nothing', async () => {
    const { id, serviceId } = await verifying(person('Marek Dąbrowski'), 'Ethan Brooks');
    const verified = { requestId: serviceId, requestStatus: 'presentation_verified', state: (await records().get(id))?.value.presentation?.state };
    // No header: 401, before anything is read about the presentation.
    expect(await vid().sendCallback(serviceId, verified, { withHeaders: false })).toBe(401);
    expect(await callback(verified, { 'api-key': 'guessed' })).toEqual({ status: 401, body: { outcome: 'unauthenticated' } });
    expect(await callback({ ...verified, state: 'an-unknown-state-0000' }, { 'api-key': 'guessed' })).toEqual({ status: 404, body: { outcome: 'unknown' } });
    expect((await records().get(id))?.value.presentation?.status).toBe('waiting');

    await vid().present(serviceId, { holder: user('Ethan Brooks').userPrincipalName, faceMatch: 91 });
    const before = (await records().get(id))?.value.presentation;
    expect(before?.status).toBe('verified');
    // The same callback again, headers and all: accepted once only.
    expect(await vid().replay(serviceId)).toBe(409);
    expect((await records().get(id))?.value.presentation).toEqual(before);
    expect(await audited('tap.verifiedid.verified', id)).toHaveLength(1);
    const denied = (await bot().service.store.list<{ action: string; details?: { outcome?: string } }>(AUDIT_ENTRIES, { limit: 1000 })).records.map((record) => record.value).filter((entry) => entry.action === 'tap.verifiedid.callback.denied').map((entry) => entry.details?.outcome);
    expect(denied).toEqual(expect.arrayContaining(['unauthenticated', 'replayed']));
    // A body naming no presentation is answered, not audited: strangers cannot fill the audit trail.
    expect(denied).not.toContain('unknown');
  });

  it('refuses a callback after the presentation request expired, and shows it expired', async () => {
    const { id, serviceId } = await verifying(person('Jordan Reyes'), 'Lena Hoffmann');
    vi.setSystemTime(new Date(Date.now() + 6 * 60_000));
    expect(await vid().present(serviceId, { holder: user('Lena Hoffmann').userPrincipalName })).toEqual({ outcome: 'expired', callbacks: [] });
    // Sent late all the same (a delayed or replayed callback): 410, and the presentation counts as failed.
    const state = (await records().get(id))?.value.presentation?.state;
    expect(await vid().sendCallback(serviceId, { requestId: serviceId, requestStatus: 'presentation_verified', state, verifiedCredentialsData: [] })).toBe(410);
    expect((await records().get(id))?.value.presentation).toMatchObject({ status: 'failed', failure: 'expired' });
  });

  it('when the link lapses unanswered, the sweep records it, the agent is told, and only the agent can send a new link', async () => {
    const agent = person('Marek Dąbrowski');
    const target = user('Marcus Lindqvist');
    const { id, serviceId } = await verifying(agent, 'Marcus Lindqvist');
    const oldState = (await records().get(id))?.value.presentation?.state;
    // Too early: the link is still open.
    expect(text((await chat.click(agent, 'tap.verify-again', { requestId: id })).value)).toContain(people.said(agent.id, 'helpdesk.verify.stillWaiting', { name: 'Marcus Lindqvist', time: '\u0000' }).split('\u0000')[0]);
    vi.setSystemTime(new Date(Date.now() + 6 * 60_000));
    await bot().service.features.temporaryAccess.expireDue();
    await drain();
    expect((await records().get(id))?.value.presentation).toMatchObject({ status: 'failed', failure: 'expired' });
    expect(people.received(agent.id, /tap\.verify-again/)).not.toHaveLength(0);
    // Someone else's click changes nothing.
    expect(text((await chat.click(person('Jordan Reyes'), 'tap.verify-again', { requestId: id })).value)).toContain("isn't yours to act on");
    const again = await chat.click(agent, 'tap.verify-again', { requestId: id });
    expect(text(again.value)).toContain('data:image/png;base64,');
    await drain();
    const renewed = (await records().get(id))?.value.presentation;
    const held = vid().requests().find((candidate) => candidate.state === renewed?.state);
    expect(held?.requestId).not.toBe(serviceId);
    expect(people.received(target.id, people.saying(target.id, 'helpdesk.verify.title'))).toHaveLength(2);
    // A late callback of the old presentation is refused (superseded); the new one verifies.
    expect(await vid().sendCallback(serviceId, { requestId: serviceId, requestStatus: 'presentation_verified', state: oldState })).toBe(409);
    await vid().present(held?.requestId ?? '', { holder: target.userPrincipalName, faceMatch: 90 });
    expect((await records().get(id))?.value.presentation).toMatchObject({ status: 'verified', matchConfidence: 90 });
  });
});
