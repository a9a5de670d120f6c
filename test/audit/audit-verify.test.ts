import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES, AUDIT_HEAD_KEY, AUDIT_META } from '../../src/audit/audit-entry.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import {
  ATTACKER_KEY,
  auditLog,
  entryKey,
  hmacHex,
  K1_ONLY,
  KEY_1,
  KEY_2,
  keysOf,
  memoryStore,
  recordMany,
  sha256OfEntry,
} from './audit-fixtures.js';

type Raw = Record<string, unknown>;

let store: SqliteStore;

beforeEach(() => {
  store = memoryStore();
});
afterEach(async () => {
  await store.close();
});

async function stored(seq: number): Promise<Raw> {
  const record = await store.get<Raw>(AUDIT_ENTRIES, entryKey(seq));
  if (record === undefined) throw new Error(`entry ${seq} is not stored`);
  return record.value;
}

describe('verifying the audit chain', () => {
  it('a chain of 25 entries, read in pages, verifies clean', async () => {
    await recordMany(auditLog(store), 25);

    const report = await verifyAuditChain(store, K1_ONLY, { pageSize: 7 });

    expect(report).toMatchObject({ ok: true, entries: 25, lastSeq: 25, headSeq: 25, problemCount: 0, pendingAfterHead: 0, keyIds: ['k1'] });
    expect(report.problems).toEqual([]);
    expect(report.headHash).toBe((await stored(25)).hash);
  });

  it('an empty trail verifies clean', async () => {
    const report = await verifyAuditChain(store, K1_ONLY);
    expect(report).toMatchObject({ ok: true, entries: 0, lastSeq: 0, headSeq: 0, problems: [] });
  });

  it("hand-editing one entry's details is flagged as changed at that seq, and only there", async () => {
    await recordMany(auditLog(store), 10);
    const entry = await stored(7);
    await store.put(AUDIT_ENTRIES, entryKey(7), { ...entry, details: { requestNumber: 7, lifetimeMinutes: 480 } });

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 7, kind: 'changed', message: expect.stringContaining('7') }]);
  });

  it("hand-editing one entry's outcome is flagged as changed at that seq", async () => {
    await recordMany(auditLog(store), 6);
    const entry = await stored(3);
    await store.put(AUDIT_ENTRIES, entryKey(3), { ...entry, outcome: 'denied' });

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems.map(({ seq, kind }) => ({ seq, kind }))).toEqual([{ seq: 3, kind: 'changed' }]);
  });

  it('adding a field to an entry is flagged as changed', async () => {
    await recordMany(auditLog(store), 4);
    await store.put(AUDIT_ENTRIES, entryKey(2), { ...(await stored(2)), approvedBy: 'someone else' });

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems.map(({ seq, kind }) => ({ seq, kind }))).toEqual([{ seq: 2, kind: 'changed' }]);
  });

  it('deleting an entry from the middle is flagged as removed at its seq', async () => {
    await recordMany(auditLog(store), 10);
    await store.delete(AUDIT_ENTRIES, entryKey(5));

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 5, kind: 'removed', message: 'entry 5 is missing' }]);
  });

  it('deleting the newest entries is flagged, because the head still points past them', async () => {
    await recordMany(auditLog(store), 10);
    await store.delete(AUDIT_ENTRIES, entryKey(10));
    await store.delete(AUDIT_ENTRIES, entryKey(9));

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems).toEqual([{ seq: 9, kind: 'removed', message: expect.stringContaining('entries 9–10 are missing') }]);
  });

  it('deleting the head record while entries exist is flagged as removed', async () => {
    await recordMany(auditLog(store), 4);
    await store.delete(AUDIT_META, AUDIT_HEAD_KEY);

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems).toEqual([{ seq: 1, kind: 'removed', message: expect.stringContaining('head record is missing') }]);
  });

  it('putting back an older head after new entries were added is flagged', async () => {
    const log = auditLog(store);
    await recordMany(log, 3);
    const oldHead = await store.get<Raw>(AUDIT_META, AUDIT_HEAD_KEY);
    await recordMany(log, 3);
    await store.put(AUDIT_META, AUDIT_HEAD_KEY, oldHead?.value);

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems).toEqual([{ seq: 4, kind: 'removed', message: expect.stringContaining('rolled back') }]);
  });

  it('swapping two entries is flagged as reordered at both places', async () => {
    await recordMany(auditLog(store), 8);
    const four = await stored(4);
    const five = await stored(5);
    await store.put(AUDIT_ENTRIES, entryKey(4), five);
    await store.put(AUDIT_ENTRIES, entryKey(5), four);

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.ok).toBe(false);
    const kinds = report.problems.map(({ seq, kind }) => `${seq}:${kind}`);
    expect(kinds).toContain('4:reordered');
    expect(kinds).toContain('5:reordered');
    expect(kinds.every((kind) => kind.endsWith(':reordered'))).toBe(true);
  });

  it('swapping two entries and renumbering them to fit is still flagged', async () => {
    await recordMany(auditLog(store), 6);
    const two = await stored(2);
    const three = await stored(3);
    await store.put(AUDIT_ENTRIES, entryKey(2), { ...three, seq: 2 });
    await store.put(AUDIT_ENTRIES, entryKey(3), { ...two, seq: 3 });

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems.map(({ seq, kind }) => `${seq}:${kind}`)).toEqual(
      expect.arrayContaining(['2:changed', '2:reordered', '3:changed', '3:reordered']),
    );
  });

  it('an attacker who recomputes every SHA-256 hash and relinks the chain, but signs with another key, is flagged as forged-mac', async () => {
    await recordMany(auditLog(store), 6);
    let prevHash = (await stored(2)).hash;
    for (let seq = 3; seq <= 6; seq++) {
      const entry = await stored(seq);
      const edited: Raw = { ...entry, prevHash, ...(seq === 3 ? { outcome: 'denied' } : {}) };
      const hash = sha256OfEntry(edited);
      await store.put(AUDIT_ENTRIES, entryKey(seq), { ...edited, hash, mac: hmacHex(ATTACKER_KEY, hash) });
      prevHash = hash;
    }
    const head = await store.get<Raw>(AUDIT_META, AUDIT_HEAD_KEY);
    await store.put(AUDIT_META, AUDIT_HEAD_KEY, { ...head?.value, hash: prevHash, mac: hmacHex(ATTACKER_KEY, `audit-head\n6\n${prevHash}`) });

    const report = await verifyAuditChain(store, K1_ONLY);

    const entryProblems = report.problems.filter((problem) => problem.message.startsWith('entry'));
    expect(entryProblems.map(({ seq, kind }) => `${seq}:${kind}`)).toEqual(['3:forged-mac', '4:forged-mac', '5:forged-mac', '6:forged-mac']);
    expect(report.problems).toContainEqual({ seq: 6, kind: 'forged-mac', message: expect.stringContaining('head record') });
  });

  it('entries sealed with a key id that is not configured are flagged as unknown-key', async () => {
    await recordMany(auditLog(store), 3);

    const report = await verifyAuditChain(store, keysOf({ k2: KEY_2 }));

    expect(report.problems.map(({ seq, kind }) => `${seq}:${kind}`)).toEqual(['1:unknown-key', '2:unknown-key', '3:unknown-key', '3:unknown-key']);
  });

  it('after a key rotation, entries sealed before and after it all verify with both keys configured', async () => {
    await recordMany(auditLog(store), 3);
    const rotated = keysOf({ k1: KEY_1, k2: KEY_2 });
    await recordMany(auditLog(store, { keyring: { keyId: 'k2', keys: rotated } }), 3);

    const report = await verifyAuditChain(store, rotated);

    expect(report).toMatchObject({ ok: true, entries: 6, keyIds: ['k1', 'k2'] });
    expect((await stored(4)).keyId).toBe('k2');
    expect((await stored(4)).prevHash).toBe((await stored(3)).hash);
  });

  it('a stored value that is not an audit entry is flagged as malformed', async () => {
    await recordMany(auditLog(store), 4);
    await store.put(AUDIT_ENTRIES, entryKey(2), { hello: 'world' });

    const report = await verifyAuditChain(store, K1_ONLY);

    expect(report.problems.map(({ seq, kind }) => `${seq}:${kind}`)).toEqual(['2:malformed']);
  });

  it('verifying without any key is refused rather than reported clean', async () => {
    await expect(verifyAuditChain(store, new Map())).rejects.toMatchObject({ code: 'config.invalid' });
  });
});
