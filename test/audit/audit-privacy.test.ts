import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_PERSONAL } from '../../src/audit/audit-entry.js';
import { exportAudit } from '../../src/audit/audit-export.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import { Redactor } from '../../src/logging/redact.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { alice, auditLog, bob, everyStoredRow, fileStore, K1_ONLY, KEY_1, KEY_2, keysOf, scheduler } from './audit-fixtures.js';

let store: SqliteStore;
let path: string;
let remove: () => void;

beforeEach(() => {
  ({ store, path, remove } = fileStore());
});
afterEach(async () => {
  if (store.isOpen()) await store.close();
  remove();
});

const TAP_VALUE = 'Q7v!mT2#pLx9';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImF1ZCI6ImdyYXBoIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const BEARER = 'Bearer 3fA9kQ2mZx8LwP0vRt6YuE';

function storedText(): string {
  return everyStoredRow(path)
    .map((row) => `${row.partition} ${row.key} ${row.value}`)
    .join('\n');
}

async function exportLines(keys = K1_ONLY): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  await exportAudit(store, { keys }, (line) => lines.push(line));
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('what the audit trail keeps', () => {
  it('never stores a TAP value, a bearer token or a JWT put into details or the correlation id', async () => {
    const redactor = new Redactor();
    redactor.addSecret(TAP_VALUE);
    const log = auditLog(store, { redactor });

    const entry = await log.record({
      action: 'tap.pass.created',
      outcome: 'success',
      actor: scheduler,
      subject: alice,
      details: {
        tap: TAP_VALUE,
        note: `pass ${TAP_VALUE} shown once`,
        graphRequest: { headers: { authorization: BEARER }, body: `sent with ${BEARER}` },
        tokens: [JWT],
        lifetimeMinutes: 60,
      },
      correlationId: `retry ${JWT}`,
    });
    await store.close();

    const raw = [storedText(), readFileSync(path).toString('latin1')].join('\n');
    for (const secret of [TAP_VALUE, JWT, BEARER, BEARER.split(' ')[1]!, JWT.split('.')[1]!]) {
      expect(raw).not.toContain(secret);
    }
    expect(entry.details).toMatchObject({ tap: '[redacted]', note: 'pass [redacted] shown once', lifetimeMinutes: 60 });
    expect(storedText()).toContain('[redacted]');
  });

  it('keeps names, UPNs and object ids out of the sealed entries, in the personal partition', async () => {
    await auditLog(store).record({ action: 'tap.request.created', outcome: 'success', actor: bob, subject: alice, details: { upn: alice.upn, reason: `for ${alice.upn}` } });

    const rows = everyStoredRow(path);
    const sealed = rows.filter((row) => row.partition !== AUDIT_PERSONAL).map((row) => row.value).join('\n');
    for (const personal of [alice.displayName, alice.upn, alice.aadObjectId.toLowerCase(), bob.displayName, bob.upn, bob.aadObjectId]) {
      expect(sealed.toLowerCase()).not.toContain(personal.toLowerCase());
    }
    const personal = rows.filter((row) => row.partition === AUDIT_PERSONAL).map((row) => JSON.parse(row.value));
    expect(personal).toEqual([
      { seq: 1, role: 'actor', aadObjectId: bob.aadObjectId, displayName: bob.displayName, upn: bob.upn },
      { seq: 1, role: 'subject', aadObjectId: alice.aadObjectId, displayName: alice.displayName, upn: alice.upn },
    ]);
  });
});

describe('erasing a person', () => {
  it('removes their name, UPN and object id from storage, marks their entries erased in export, and the chain still verifies', async () => {
    const log = auditLog(store);
    await log.record({ action: 'enrollment.nudge.sent', outcome: 'success', actor: scheduler, subject: alice });
    await log.record({ action: 'objection.answered', outcome: 'info', actor: alice });
    await log.record({ action: 'exception.granted', outcome: 'success', actor: bob, subject: alice });
    await log.record({ action: 'status.checked', outcome: 'info', actor: bob });

    const result = await log.erasePerson(alice.aadObjectId.toLowerCase());

    expect(result).toEqual({ personalRecordsErased: 3 });
    const text = storedText().toLowerCase();
    for (const personal of [alice.displayName, alice.upn, alice.aadObjectId]) expect(text).not.toContain(personal.toLowerCase());
    expect(text).toContain(bob.upn);

    const lines = await exportLines();
    expect(lines.map((line) => line.erased ?? false)).toEqual([true, true, true, false]);
    expect(lines[0]!.subject).toEqual({ kind: 'user', ref: expect.stringMatching(/^[0-9a-f]{64}$/), erased: true });
    expect(lines[2]).toMatchObject({ actor: { kind: 'user', displayName: bob.displayName, upn: bob.upn, aadObjectId: bob.aadObjectId }, subject: { erased: true } });
    expect(lines[3]!.actor).toMatchObject({ displayName: bob.displayName });
    expect(lines.every((line) => line.verified === true)).toBe(true);
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, entries: 4 });
  });

  it('finds entries recorded under an earlier audit key after a rotation', async () => {
    await auditLog(store).record({ action: 'objection.answered', outcome: 'info', actor: alice });
    const rotated = keysOf({ k1: KEY_1, k2: KEY_2 });
    const log = auditLog(store, { keyring: { keyId: 'k2', keys: rotated } });
    await log.record({ action: 'objection.answered', outcome: 'info', actor: alice });

    expect(await log.erasePerson(alice.aadObjectId)).toEqual({ personalRecordsErased: 2 });
    expect(storedText()).not.toContain(alice.displayName);
    expect((await exportLines(rotated)).map((line) => line.erased)).toEqual([true, true]);
  });

  it('erasing someone twice, or someone with no entries, erases nothing more', async () => {
    const log = auditLog(store);
    await log.record({ action: 'objection.answered', outcome: 'info', actor: alice });

    expect(await log.erasePerson(alice.aadObjectId)).toEqual({ personalRecordsErased: 1 });
    expect(await log.erasePerson(alice.aadObjectId)).toEqual({ personalRecordsErased: 0 });
    expect(await log.erasePerson(bob.aadObjectId)).toEqual({ personalRecordsErased: 0 });
  });
});
