import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import { exportAudit } from '../../src/audit/audit-export.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { alice, auditLog, bob, entryKey, K1_ONLY, memoryStore, scheduler } from './audit-fixtures.js';

let store: SqliteStore;
let clock: Date;

beforeEach(async () => {
  store = memoryStore();
  clock = new Date('2025-01-01T00:00:00.000Z');
  const log = auditLog(store, { now: () => clock });
  const days = ['2025-01-01T09:00:00.000Z', '2025-01-02T09:00:00.000Z', '2025-01-03T09:00:00.000Z', '2025-01-04T09:00:00.000Z'];
  for (const [i, day] of days.entries()) {
    clock = new Date(day);
    await log.record({ action: 'tap.request.created', outcome: 'success', actor: bob, subject: alice, details: { day: i + 1 }, correlationId: `c-${i + 1}` });
  }
  clock = new Date('2025-01-05T09:00:00.000Z');
  await log.record({ action: 'campaign.reminder.sent', outcome: 'info', actor: scheduler });
});
afterEach(async () => {
  await store.close();
});

async function exported(options: { since?: Date; pageSize?: number } = {}): Promise<{ lines: Record<string, unknown>[]; ok: boolean; count: number }> {
  const lines: string[] = [];
  const { exported: count, report } = await exportAudit(store, { keys: K1_ONLY, ...options }, (line) => lines.push(line));
  return { lines: lines.map((line) => JSON.parse(line) as Record<string, unknown>), ok: report.ok, count };
}

describe('exporting the audit trail for a SIEM', () => {
  it('writes one JSON line per entry in seq order, with personal fields joined back in', async () => {
    const { lines, ok, count } = await exported({ pageSize: 2 });

    expect(ok).toBe(true);
    expect(count).toBe(5);
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toMatchObject({
      at: '2025-01-01T09:00:00.000Z',
      action: 'tap.request.created',
      outcome: 'success',
      correlationId: 'c-1',
      actor: { kind: 'user', aadObjectId: bob.aadObjectId, displayName: bob.displayName, upn: bob.upn, ref: expect.any(String) },
      subject: { kind: 'user', aadObjectId: alice.aadObjectId, displayName: alice.displayName, upn: alice.upn },
      details: { day: 1 },
      keyId: 'k1',
      verified: true,
    });
    expect(lines[0]).not.toHaveProperty('erased');
    expect(lines[4]).toMatchObject({ actor: { kind: 'system', name: 'campaign-scheduler' }, verified: true });
    expect(lines[4]).not.toHaveProperty('subject');
    expect(lines[1]!.prevHash).toBe(lines[0]!.hash);
  });

  it('with since, leaves out entries recorded before that instant', async () => {
    const { lines, count } = await exported({ since: new Date('2025-01-03T09:00:00.000Z') });

    expect(lines.map((line) => line.seq)).toEqual([3, 4, 5]);
    expect(count).toBe(3);
  });

  it('with since after the last entry, writes nothing', async () => {
    expect((await exported({ since: new Date('2026-01-01T00:00:00.000Z') })).lines).toEqual([]);
  });

  it('marks an entry that was tampered with as not verified, and says why', async () => {
    const record = await store.get<Record<string, unknown>>(AUDIT_ENTRIES, entryKey(2));
    await store.put(AUDIT_ENTRIES, entryKey(2), { ...record?.value, outcome: 'denied' });

    const { lines, ok } = await exported();

    expect(ok).toBe(false);
    expect(lines[1]).toMatchObject({ seq: 2, outcome: 'denied', verified: false, problems: [{ kind: 'changed', message: expect.any(String) }] });
    expect(lines.filter((line) => line.verified === false)).toHaveLength(1);
  });
});
