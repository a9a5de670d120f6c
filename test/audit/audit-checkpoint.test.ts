// "Verified up to here": a walk that finds nothing wrong seals the head as a checkpoint, and the next walk verifies
// only what came after, while a rewrite of the checkpoint's own entry, a forged checkpoint and a rolled-back trail
// (held to its external anchors) are still caught.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAnchorBook } from '../../src/audit/anchor-check.js';
import { FileAnchorSink } from '../../src/audit/anchor-file-sink.js';
import { makeAnchor } from '../../src/audit/audit-anchor.js';
import { AUDIT_CHECKPOINT_KEY, writeCheckpoint } from '../../src/audit/audit-checkpoint.js';
import { AUDIT_ENTRIES, AUDIT_HEAD_KEY, AUDIT_META } from '../../src/audit/audit-entry.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { auditLog, entryKey, K1_ONLY, memoryStore, recordMany } from './audit-fixtures.js';

type Raw = Record<string, unknown>;

let store: SqliteStore;
let dir: string;
let anchors: FileAnchorSink;
const keyring = { keyId: 'k1', keys: K1_ONLY };

beforeEach(() => {
  store = memoryStore();
  dir = mkdtempSync(path.join(tmpdir(), 'audit-checkpoint-'));
  anchors = new FileAnchorSink(path.join(dir, 'audit-anchors.jsonl'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const fromCheckpoint = async () => verifyAuditChain(store, K1_ONLY, { from: 'checkpoint', seal: keyring, anchors: await loadAnchorBook([anchors], K1_ONLY) });
const kinds = (report: { problems: { seq: number; kind: string }[] }) => report.problems.map(({ seq, kind }) => `${seq}:${kind}`);
const checkpoint = async () => (await store.get<Raw>(AUDIT_META, AUDIT_CHECKPOINT_KEY))?.value;
const reads = () => store.requestCounts().list ?? 0;

async function anchorNow(): Promise<void> {
  const head = (await store.get<Raw>(AUDIT_META, AUDIT_HEAD_KEY))?.value as { seq: number; hash: string };
  await anchors.write(makeAnchor(keyring, head, new Date()));
}

describe('the audit checkpoint', () => {
  it('a clean walk seals the head; the next walk reads only the entries after it and says where it began', async () => {
    const log = auditLog(store);
    await recordMany(log, 40);
    const first = await fromCheckpoint();
    expect(first).toMatchObject({ ok: true, entries: 40, lastSeq: 40 });
    expect(first.from).toBeUndefined();
    expect(await checkpoint()).toMatchObject({ seq: 40, keyId: 'k1' });

    await recordMany(log, 5);
    const second = await fromCheckpoint();
    expect(second).toMatchObject({ ok: true, entries: 5, lastSeq: 45, from: { seq: 40 } });
    expect(await checkpoint()).toMatchObject({ seq: 45 });

    // Nothing new: one page of nothing.
    const before = reads();
    expect(await fromCheckpoint()).toMatchObject({ ok: true, entries: 0, lastSeq: 45, from: { seq: 45 } });
    expect(reads() - before).toBeLessThanOrEqual(2);
    // --full still walks everything.
    expect(await verifyAuditChain(store, K1_ONLY)).toMatchObject({ ok: true, entries: 45 });
  });

  it('two walks finishing at once leave the later head, whichever writes last', async () => {
    const hash = (n: number) => n.toString(16).padStart(64, '0');
    for (const order of [[150, 120], [120, 150]]) {
      await store.delete(AUDIT_META, AUDIT_CHECKPOINT_KEY);
      await writeCheckpoint(store, keyring, { seq: 100, hash: hash(100) }, new Date());
      // Both read the checkpoint at 100 before either writes (two people opening the tab).
      await Promise.all(order.map((seq) => writeCheckpoint(store, keyring, { seq, hash: hash(seq) }, new Date())));
      expect((await checkpoint())?.seq, `written in the order ${order.join(', ')}`).toBe(150);
    }
  });

  it('an entry changed after the checkpoint is caught, and the checkpoint does not move past it', async () => {
    const log = auditLog(store);
    await recordMany(log, 10);
    await fromCheckpoint();
    await recordMany(log, 5);
    const entry = (await store.get<Raw>(AUDIT_ENTRIES, entryKey(13)))?.value;
    await store.put(AUDIT_ENTRIES, entryKey(13), { ...entry, details: { requestNumber: 13, lifetimeMinutes: 480 } });
    const report = await fromCheckpoint();
    expect(kinds(report)).toEqual(['13:changed']);
    expect(await checkpoint()).toMatchObject({ seq: 10 });
    expect(kinds(await fromCheckpoint())).toEqual(['13:changed']);
  });

  it("rewriting the checkpoint's own entry is caught, and the walk starts again from entry 1", async () => {
    await recordMany(auditLog(store), 10);
    await fromCheckpoint();
    const entry = (await store.get<Raw>(AUDIT_ENTRIES, entryKey(10)))?.value;
    await store.put(AUDIT_ENTRIES, entryKey(10), { ...entry, details: { requestNumber: 10, lifetimeMinutes: 999 } });
    const report = await fromCheckpoint();
    expect(report.from).toBeUndefined();
    expect(report.entries).toBe(10);
    expect(kinds(report)).toContain('10:changed');
  });

  it('a checkpoint not sealed with the key is refused as forged: everything is walked, and a clean full walk replaces it', async () => {
    await recordMany(auditLog(store), 10);
    await fromCheckpoint();
    const sealed = (await checkpoint()) as Raw;
    // Someone with the store but not the key changes the checkpoint: the seal no longer fits.
    await store.put(AUDIT_META, AUDIT_CHECKPOINT_KEY, { ...sealed, at: '2031-01-01T00:00:00.000Z' });
    const report = await fromCheckpoint();
    expect(kinds(report)).toEqual(['10:forged-checkpoint']);
    expect(report).toMatchObject({ entries: 10 });
    expect(report.from).toBeUndefined();
    expect(await verifyAuditChain(store, K1_ONLY, { seal: keyring })).toMatchObject({ ok: true });
    expect((await checkpoint())?.at).not.toBe('2031-01-01T00:00:00.000Z');
    expect(kinds(await fromCheckpoint())).toEqual([]);
  });

  it('a restored older copy brings back its older checkpoint, and the anchors still catch the rollback', async () => {
    const log = auditLog(store);
    await recordMany(log, 10);
    await fromCheckpoint();
    const backup = [AUDIT_ENTRIES, AUDIT_META].map(async (partition) => ({ partition, rows: (await store.list<Raw>(partition, { limit: 1000 })).records }));
    const saved = await Promise.all(backup);
    await recordMany(log, 10);
    await fromCheckpoint();
    await anchorNow();
    // The backup: entries 1–10 and the head and checkpoint as they were then.
    for (let seq = 11; seq <= 20; seq++) await store.delete(AUDIT_ENTRIES, entryKey(seq));
    for (const { partition, rows } of saved) for (const row of rows) await store.put(partition, row.key, row.value);
    const report = await fromCheckpoint();
    expect(report.from).toMatchObject({ seq: 10 });
    expect(kinds(report)).toEqual(['20:rolled-back']);
  });
});
