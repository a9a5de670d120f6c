import { createHmac, hkdfSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES, AUDIT_HEAD_KEY, AUDIT_META, type AuditInput } from '../../src/audit/audit-entry.js';
import { StoreAuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import { AppError, isAppError } from '../../src/errors/app-error.js';
import { Redactor } from '../../src/logging/redact.js';
import type { Store } from '../../src/store/store-port.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { alice, auditLog, bob, entryKey, hmacHex, K1_ONLY, KEY_1, memoryStore, recordMany, scheduler, sha256OfEntry } from './audit-fixtures.js';

type Raw = Record<string, unknown>;

let store: SqliteStore;

beforeEach(() => {
  store = memoryStore();
});
afterEach(async () => {
  await store.close();
});

const created = (n: number): AuditInput => ({
  action: 'tap.request.created',
  outcome: 'success',
  actor: n % 3 === 0 ? scheduler : alice,
  subject: bob,
  details: { n },
});

async function storedEntries(): Promise<Raw[]> {
  const page = await store.list<Raw>(AUDIT_ENTRIES, { limit: 1000 });
  return page.records.map((record) => record.value);
}

describe('recording audit entries', () => {
  it('numbers entries 1, 2, 3 and links each to the hash of the one before', async () => {
    const log = auditLog(store, { now: () => new Date('2025-03-01T10:00:00.000Z') });
    const first = await log.record(created(1));
    const second = await log.record(created(2));
    const third = await log.record(created(3));

    expect([first.seq, second.seq, third.seq]).toEqual([1, 2, 3]);
    expect(first.prevHash).toBe('0'.repeat(64));
    expect(second.prevHash).toBe(first.hash);
    expect(third.prevHash).toBe(second.hash);
    expect(first).toMatchObject({ at: '2025-03-01T10:00:00.000Z', action: 'tap.request.created', outcome: 'success', keyId: 'k1' });
    expect(await storedEntries()).toEqual([first, second, third]);
    const head = await store.get<Raw>(AUDIT_META, AUDIT_HEAD_KEY);
    expect(head?.value).toMatchObject({ seq: 3, hash: third.hash, keyId: 'k1' });
  });

  it('hashes the sorted-key JSON of everything but hash and mac with SHA-256, and MACs the hash with the audit key', async () => {
    const entry = await auditLog(store).record({ ...created(1), correlationId: 'req-42', details: { zeta: 1, alpha: { b: 2, a: 1 } } });

    expect(entry.hash).toBe(sha256OfEntry(entry));
    expect(entry.mac).toBe(hmacHex(KEY_1, entry.hash));
    expect(entry.correlationId).toBe('req-42');
  });

  it('refers to a user by an HMAC under a key derived with HKDF, and to a system party by its name', async () => {
    const entry = await auditLog(store).record({ action: 'card.action.denied', outcome: 'denied', actor: scheduler, subject: alice });

    const refKey = Buffer.from(hkdfSync('sha256', KEY_1, Buffer.alloc(0), 'audit-person-ref', 32));
    const expectedRef = createHmac('sha256', refKey).update(alice.aadObjectId.toLowerCase()).digest('hex');
    expect(entry).toMatchObject({ actorKind: 'system', actorRef: 'campaign-scheduler', subjectKind: 'user', subjectRef: expectedRef });
    const json = JSON.stringify(await storedEntries());
    for (const personal of [alice.aadObjectId, alice.aadObjectId.toLowerCase(), alice.displayName, alice.upn]) {
      expect(json).not.toContain(personal);
    }
  });

  it('gives one person the same ref whatever the case of their object id', async () => {
    const log = auditLog(store);
    const upper = await log.record({ action: 'status.checked', outcome: 'info', actor: alice });
    const lower = await log.record({ action: 'status.checked', outcome: 'info', actor: { ...alice, aadObjectId: alice.aadObjectId.toLowerCase() } });
    expect(lower.actorRef).toBe(upper.actorRef);
  });

  it('50 concurrent records get seq 1..50 and the chain verifies', async () => {
    const log = auditLog(store);
    const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => log.record(created(i))));

    expect(entries.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, entries: 50, headSeq: 50 });
  });

  it('50 concurrent records from five writers sharing one store (five app instances) stay gap-free and verify', async () => {
    let lostRaces = 0;
    const counting = new Proxy<Store>(store, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          try {
            return await value.apply(target, args);
          } catch (error) {
            if (isAppError(error, 'store.already-exists') || isAppError(error, 'store.conflict')) lostRaces++;
            throw error;
          }
        };
      },
    });
    const writers = Array.from({ length: 5 }, () => auditLog(store, { store: counting }));
    const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => writers[i % 5]!.record(created(i))));

    expect(lostRaces).toBeGreaterThan(0);

    expect(new Set(entries.map((entry) => entry.seq)).size).toBe(50);
    expect(Math.max(...entries.map((entry) => entry.seq))).toBe(50);
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, entries: 50, headSeq: 50 });
  });

  it('recovers from a crash between inserting an entry and moving the head: the next append adopts it', async () => {
    const log = auditLog(store);
    await recordMany(log, 3);
    const third = (await storedEntries())[2]!;
    // What a writer that died after its insert leaves behind: entry 4, properly sealed, with the head still at 3.
    const orphan: Raw = { v: 1, seq: 4, at: new Date().toISOString(), action: 'tap.request.approved', outcome: 'success', actorKind: 'system', actorRef: 'crashed-writer', prevHash: third.hash, keyId: 'k1' };
    const hash = sha256OfEntry(orphan);
    await store.insert(AUDIT_ENTRIES, entryKey(4), { ...orphan, hash, mac: hmacHex(KEY_1, hash) });
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, headSeq: 3, lastSeq: 4, pendingAfterHead: 1 });

    const next = await log.record(created(5));

    expect(next.seq).toBe(5);
    expect(next.prevHash).toBe(hash);
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, entries: 5, headSeq: 5, pendingAfterHead: 0 });
  });

  it('refuses to append after an entry that does not continue the chain, with audit.broken-chain', async () => {
    const log = auditLog(store);
    await recordMany(log, 2);
    const bogus: Raw = { v: 1, seq: 3, at: new Date().toISOString(), action: 'tap.request.approved', outcome: 'success', actorKind: 'system', actorRef: 'intruder', prevHash: 'f'.repeat(64), keyId: 'k1' };
    const hash = sha256OfEntry(bogus);
    await store.insert(AUDIT_ENTRIES, entryKey(3), { ...bogus, hash, mac: hmacHex(KEY_1, hash) });

    await expect(log.record(created(3))).rejects.toMatchObject({ code: 'audit.broken-chain' });
  });

  it('gives up with a clear error when other writers keep winning the head, and the next append completes the entry', async () => {
    await auditLog(store).record(created(1));
    const headAlwaysMoved = new Proxy<Store>(store, {
      get(target, property) {
        if (property === 'update') {
          return async () => {
            throw new AppError('store.conflict', 'the head moved');
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    const losing = new StoreAuditLog({ store: headAlwaysMoved, keyring: { keyId: 'k1', keys: K1_ONLY }, redactor: new Redactor(), maxAttempts: 5 });
    await expect(losing.record(created(2))).rejects.toMatchObject({ code: 'store.conflict', message: expect.stringContaining('5 times') });

    const next = await auditLog(store).record(created(3));
    expect(next.seq).toBe(3);
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, entries: 3 });
  });

  it('an append that fails in the store does not hold up the appends queued behind it', async () => {
    let failNextInsert = true;
    const diskFullOnce = new Proxy<Store>(store, {
      get(target, property) {
        if (property === 'insert' && failNextInsert) {
          return async () => {
            failNextInsert = false;
            throw new AppError('internal', 'disk full');
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const log = new StoreAuditLog({ store: diskFullOnce, keyring: { keyId: 'k1', keys: K1_ONLY }, redactor: new Redactor() });

    const results = await Promise.allSettled([log.record(created(1)), log.record(created(2)), log.record(created(3))]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value.seq : result.reason.message))).toEqual(['disk full', 1, 2]);
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, entries: 2 });
  });

  it('refuses details too large to seal, before writing anything', async () => {
    await expect(auditLog(store).record({ ...created(1), details: { blob: 'x'.repeat(20_000) } })).rejects.toThrow(/limit is/);
    expect(await storedEntries()).toEqual([]);
  });

  it.each([
    ['an action that is not a dotted verb', { ...created(1), action: 'Created TAP' }],
    ['an unknown outcome', { ...created(1), outcome: 'maybe' }],
    ['a user without an object id', { ...created(1), actor: { kind: 'user', aadObjectId: ' ' } }],
    ['a system party without a name', { ...created(1), actor: { kind: 'system', name: '' } }],
  ])('refuses %s before writing anything', async (_, input) => {
    await expect(auditLog(store).record(input as AuditInput)).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('Audit input is invalid') });
    expect(await storedEntries()).toEqual([]);
  });

  it('will not start when the current key id has no key', () => {
    expect(() => new StoreAuditLog({ store, keyring: { keyId: 'k9', keys: K1_ONLY }, redactor: new Redactor() })).toThrow(
      expect.objectContaining({ code: 'config.invalid' }),
    );
  });
});
