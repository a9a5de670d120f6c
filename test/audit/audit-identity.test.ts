// Who did it, attacked: the personal records beside the chain are rewritten, and verify and export must notice.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditMac, entryHash, headMac } from '../../src/audit/audit-crypto.js';
import { AUDIT_ENTRIES, AUDIT_HEAD_KEY, AUDIT_META, AUDIT_PERSONAL } from '../../src/audit/audit-entry.js';
import { exportAudit } from '../../src/audit/audit-export.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { alice, auditLog, bob, entryKey, K1_ONLY, KEY_1, memoryStore, scheduler } from './audit-fixtures.js';

type Raw = Record<string, unknown>;

let store: SqliteStore;

beforeEach(async () => {
  store = memoryStore();
  const log = auditLog(store);
  await log.record({ action: 'tap.request.approved', outcome: 'success', actor: bob, subject: alice });
  await log.record({ action: 'tap.request.created', outcome: 'success', actor: alice, subject: bob });
  await log.record({ action: 'campaign.reminder.sent', outcome: 'info', actor: scheduler, subject: alice });
});
afterEach(async () => {
  await store.close();
});

const personalKey = (seq: number, role: 'actor' | 'subject') => `${entryKey(seq)}.${role}`;

async function personal(seq: number, role: 'actor' | 'subject'): Promise<Raw> {
  const record = await store.get<Raw>(AUDIT_PERSONAL, personalKey(seq, role));
  if (record === undefined) throw new Error(`no personal record ${seq}.${role}`);
  return record.value;
}

async function exportLines(): Promise<{ lines: Raw[]; ok: boolean }> {
  const lines: string[] = [];
  const { report } = await exportAudit(store, { keys: K1_ONLY }, (line) => lines.push(line));
  return { lines: lines.map((line) => JSON.parse(line) as Raw), ok: report.ok };
}

/** Turns entry `seq` into one written before names were sealed: no names seals, resealed with the real key. */
async function makeLegacy(seq: number): Promise<void> {
  const record = await store.get<Raw>(AUDIT_ENTRIES, entryKey(seq));
  const { actorNames: _a, subjectNames: _s, ...rest } = record!.value;
  const hash = entryHash(rest);
  await store.put(AUDIT_ENTRIES, entryKey(seq), { ...rest, hash, mac: auditMac(KEY_1, hash) });
  const next = await store.get<Raw>(AUDIT_ENTRIES, entryKey(seq + 1));
  if (next === undefined) await store.put(AUDIT_META, AUDIT_HEAD_KEY, { seq, hash, keyId: 'k1', mac: headMac(KEY_1, seq, hash) });
  else throw new Error('makeLegacy reseals the newest entry only');
}

describe('who did it cannot be rewritten unseen', () => {
  it("putting someone else's object id into the approver's personal record makes the entry not verified", async () => {
    await store.put(AUDIT_PERSONAL, personalKey(1, 'actor'), { ...(await personal(1, 'actor')), aadObjectId: alice.aadObjectId, displayName: alice.displayName, upn: alice.upn });

    const report = await verifyAuditChain(store, K1_ONLY);
    const { lines } = await exportLines();

    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 1, kind: 'identity-mismatch', message: expect.stringContaining('actor of entry 1') }]);
    expect(lines[0]).toMatchObject({ seq: 1, verified: false, actor: { aadObjectId: alice.aadObjectId, matchesRef: false }, problems: [{ kind: 'identity-mismatch' }] });
    expect(lines[1]).toMatchObject({ verified: true, actor: { matchesRef: true } });
  });

  it("copying another entry's personal record over this one is caught too", async () => {
    await store.put(AUDIT_PERSONAL, personalKey(1, 'subject'), { ...(await personal(2, 'subject')), seq: 1 });

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems.map(({ seq, kind }) => `${seq}:${kind}`)).toEqual(['1:identity-mismatch']);
  });

  it("changing only the display name or the UPN of a sealed entry makes it not verified", async () => {
    await store.put(AUDIT_PERSONAL, personalKey(1, 'actor'), { ...(await personal(1, 'actor')), displayName: 'Someone Else' });
    await store.put(AUDIT_PERSONAL, personalKey(2, 'subject'), { ...(await personal(2, 'subject')), upn: 'someone.else@contoso.example' });

    const report = await verifyAuditChain(store, K1_ONLY);
    const { lines } = await exportLines();

    expect(report.problems.map(({ seq, kind }) => `${seq}:${kind}`)).toEqual(['1:identity-mismatch', '2:identity-mismatch']);
    expect(report.problems[0]?.message).toContain('name or UPN');
    expect(lines.map((line) => line.verified)).toEqual([false, false, true]);
  });

  it('adding a name where the sealed entry had none is caught', async () => {
    await auditLog(store).record({ action: 'status.checked', outcome: 'info', actor: { kind: 'user', aadObjectId: alice.aadObjectId } });
    await store.put(AUDIT_PERSONAL, personalKey(4, 'actor'), { ...(await personal(4, 'actor')), displayName: 'Bob Okafor' });

    expect((await verifyAuditChain(store, K1_ONLY)).problems.map(({ seq, kind }) => `${seq}:${kind}`)).toEqual(['4:identity-mismatch']);
  });

  it('names sealed with the entry export without any unsealed mark', async () => {
    const { lines, ok } = await exportLines();

    expect(ok).toBe(true);
    expect(lines[0]!.actor).toEqual({ kind: 'user', ref: expect.any(String), aadObjectId: bob.aadObjectId, displayName: bob.displayName, upn: bob.upn, matchesRef: true });
    expect(lines[2]!.actor).toEqual({ kind: 'system', name: scheduler.name });
  });

  it('a name in an entry written before names were sealed exports as unsealed, even when someone changed it', async () => {
    await makeLegacy(3);
    await store.put(AUDIT_PERSONAL, personalKey(3, 'subject'), { ...(await personal(3, 'subject')), displayName: 'Not Alice' });

    const { lines, ok } = await exportLines();

    expect(ok).toBe(true);
    expect(lines[2]).toMatchObject({ verified: true, subject: { displayName: 'Not Alice', matchesRef: true, unsealed: ['displayName', 'upn'] } });
    expect(lines[0]!.actor).not.toHaveProperty('unsealed');
  });

  it('an entry whose people were erased on purpose reads erased, and still verifies', async () => {
    await auditLog(store).erasePerson(alice.aadObjectId);

    const report = await verifyAuditChain(store, K1_ONLY);
    const { lines } = await exportLines();

    expect(report).toMatchObject({ ok: true, problemCount: 0 });
    expect(lines.map((line) => line.erased ?? false)).toEqual([true, true, true]);
    expect(lines[0]).toMatchObject({ verified: true, subject: { kind: 'user', erased: true }, actor: { displayName: bob.displayName, matchesRef: true } });
    expect(lines.every((line) => line.verified === true)).toBe(true);
  });
});
