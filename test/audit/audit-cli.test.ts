import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Strings } from '../../src/shared/strings.js';
import { parseAuditSince, runAuditExport, runAuditVerify } from '../../src/audit/audit-cli.js';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { auditLog, entryKey, K1_ONLY, memoryStore, recordMany } from './audit-fixtures.js';

let store: SqliteStore;
let out: string[];
let err: string[];

beforeEach(() => {
  store = memoryStore();
  out = [];
  err = [];
});
afterEach(async () => {
  await store.close();
});

const lastJson = (): Record<string, unknown> => JSON.parse(out.at(-1)!) as Record<string, unknown>;

async function tamperWith(seq: number): Promise<void> {
  const record = await store.get<Record<string, unknown>>(AUDIT_ENTRIES, entryKey(seq));
  await store.put(AUDIT_ENTRIES, entryKey(seq), { ...record?.value, details: { requestNumber: 99 } });
}

describe('passkey-coach audit verify', () => {
  it('exits 0 and says the trail verified, then prints the report as one JSON line', async () => {
    await recordMany(auditLog(store), 3);

    const code = await runAuditVerify({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line) });

    expect(code).toBe(0);
    expect(out[0]).toBe('Audit trail verified: 3 entries, seq 1–3, sealed with key k1.');
    expect(lastJson()).toMatchObject({ command: 'audit.verify', ok: true, entries: 3, problems: [] });
  });

  it('exits 0 on an empty trail and says there was nothing to verify', async () => {
    expect(await runAuditVerify({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line) })).toBe(0);
    expect(out[0]).toMatch(/empty/);
  });

  it('exits 1 and names each problem by seq when an entry was changed', async () => {
    await recordMany(auditLog(store), 4);
    await tamperWith(2);

    const code = await runAuditVerify({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line) });

    expect(code).toBe(1);
    expect(out[0]).toMatch(/^Audit trail FAILED verification: 1 problem in 4 entries/);
    expect(out[1]).toContain('seq 2: changed');
    expect(lastJson()).toMatchObject({ ok: false, problemCount: 1, problems: [{ seq: 2, kind: 'changed' }] });
  });

  it('walks every entry by default and seals the checkpoint; --from-checkpoint walks only what came after it', async () => {
    const log = auditLog(store);
    const keyring = { keyId: 'k1', keys: K1_ONLY };
    await recordMany(log, 6);
    expect(await runAuditVerify({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line), seal: keyring })).toBe(0);
    await recordMany(log, 2);
    out = [];
    expect(await runAuditVerify({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line), seal: keyring, fromCheckpoint: true })).toBe(0);
    expect(out[0]).toMatch(/^Audit trail verified: seq 1–8; entries 1–6 in full at .+ \(the sealed checkpoint; without --from-checkpoint every entry is walked\), the 2 since now, sealed with key k1\.$/);
    expect(lastJson()).toMatchObject({ ok: true, entries: 2, lastSeq: 8, from: { seq: 6 } });
    // An entry changed before the checkpoint: only the default, full walk sees it.
    await tamperWith(3);
    expect(await runAuditVerify({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line), fromCheckpoint: true })).toBe(0);
    expect(await runAuditVerify({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line) })).toBe(1);
    expect(lastJson()).toMatchObject({ ok: false, problems: [{ seq: 3, kind: 'changed' }] });
  });

  it('refuses to run without keys instead of reporting a clean trail', async () => {
    await expect(runAuditVerify({ store, keys: new Map(), anchorSources: [], out: (line) => out.push(line) })).rejects.toMatchObject({ code: 'config.invalid' });
    expect(out).toEqual([]);
  });
});

describe('passkey-coach audit export', () => {
  it('writes only entry lines to out, a summary to err, and exits 0', async () => {
    await recordMany(auditLog(store), 3);

    const code = await runAuditExport({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line), err: (line) => err.push(line) });

    expect(code).toBe(0);
    expect(out.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 2, 3]);
    expect(err).toEqual(['Exported 3 audit entries.']);
  });

  it('with --since, exports only later entries and says so', async () => {
    let now = new Date('2025-06-01T12:00:00Z');
    const log = auditLog(store, { now: () => now });
    await recordMany(log, 2);
    now = new Date('2025-06-03T12:00:00Z');
    await recordMany(log, 1);

    const code = await runAuditExport({ store, keys: K1_ONLY, anchorSources: [], since: parseAuditSince('2025-06-02'), out: (line) => out.push(line), err: (line) => err.push(line) });

    expect(code).toBe(0);
    expect(out.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([3]);
    expect(err).toEqual(['Exported 1 audit entry since 2025-06-02T00:00:00.000Z.']);
  });

  it('exits 1 and explains when the chain fails verification', async () => {
    await recordMany(auditLog(store), 3);
    await tamperWith(3);

    const code = await runAuditExport({ store, keys: K1_ONLY, anchorSources: [], out: (line) => out.push(line), err: (line) => err.push(line) });

    expect(code).toBe(1);
    expect(out).toHaveLength(3);
    expect(err.join('\n')).toContain('seq 3: changed');
  });

  it.each([
    ['2025-01-31', '2025-01-31T00:00:00.000Z'],
    ['2025-01-31T09:30:00Z', '2025-01-31T09:30:00.000Z'],
    ['2025-01-31T09:30:00+02:00', '2025-01-31T07:30:00.000Z'],
  ])('reads --since %s', (text, iso) => {
    expect(parseAuditSince(text).toISOString()).toBe(iso);
  });

  it.each(['31/01/2025', 'yesterday', '2025-02-30', '2025-01-31T09:30:00'])('rejects --since %s with a message saying what to write', (text) => {
    expect(() => parseAuditSince(text)).toThrow(expect.objectContaining({ code: 'request.malformed', userFault: true, message: expect.stringContaining('2025-01-31'), userMessage: { key: 'errors.audit.badSince', params: { value: text } } }));
    expect(new Strings().text('en', 'errors.audit.badSince', { value: text })).toContain('2025-01-31');
  });
});
