// Rolling the audit trail back, attacked: with anchors kept outside the database, a trail that was cut back,
// emptied or restored from an older copy no longer verifies.

import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAnchorBook } from '../../src/audit/anchor-check.js';
import { FileAnchorSink } from '../../src/audit/anchor-file-sink.js';
import { ANCHOR_LOG_MESSAGE, makeAnchor, parseAnchorLine } from '../../src/audit/audit-anchor.js';
import { anchorMac, auditMac, headMac } from '../../src/audit/audit-crypto.js';
import { AUDIT_ENTRIES, AUDIT_HEAD_KEY, AUDIT_META } from '../../src/audit/audit-entry.js';
import { exportAudit } from '../../src/audit/audit-export.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { ATTACKER_KEY, auditLog, entryKey, K1_ONLY, KEY_1, KEY_2, keysOf, memoryStore, recordMany } from './audit-fixtures.js';

type Raw = Record<string, unknown>;

let store: SqliteStore;
let dir: string;
let anchors: FileAnchorSink;

beforeEach(() => {
  store = memoryStore();
  dir = mkdtempSync(path.join(tmpdir(), 'audit-anchor-'));
  anchors = new FileAnchorSink(path.join(dir, 'audit-anchors.jsonl'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const keyring = { keyId: 'k1', keys: K1_ONLY };

async function head(): Promise<Raw> {
  return (await store.get<Raw>(AUDIT_META, AUDIT_HEAD_KEY))!.value;
}

/** What the running service does at each checkpoint: the current head, sealed, appended to the file. */
async function anchorNow(at = new Date()): Promise<void> {
  const { seq, hash } = await head();
  await anchors.write(makeAnchor(keyring, { seq: seq as number, hash: hash as string }, at));
}

async function verifyAnchored(keys = K1_ONLY) {
  return verifyAuditChain(store, keys, { anchors: await loadAnchorBook([anchors], keys) });
}

const kinds = (report: { problems: { seq: number; kind: string }[] }) => report.problems.map(({ seq, kind }) => `${seq}:${kind}`);

describe('holding the audit trail to its anchors', () => {
  it('an intact trail that reaches its newest anchor verifies, and the report names that anchor', async () => {
    const log = auditLog(store);
    await recordMany(log, 3);
    await anchorNow(new Date('2025-06-01T10:00:00Z'));
    await recordMany(log, 2);
    await anchorNow(new Date('2025-06-01T10:05:00Z'));
    await recordMany(log, 1);

    const report = await verifyAnchored();

    expect(report).toMatchObject({ ok: true, entries: 6, anchors: { valid: 2, newest: { seq: 5, at: '2025-06-01T10:05:00.000Z', source: anchors.name } } });
  });

  it('cutting off the tail and putting back an older head no longer verifies', async () => {
    const log = auditLog(store);
    await recordMany(log, 3);
    const olderHead = await head();
    await recordMany(log, 3);
    await anchorNow();
    for (const seq of [4, 5, 6]) await store.delete(AUDIT_ENTRIES, entryKey(seq));
    await store.put(AUDIT_META, AUDIT_HEAD_KEY, olderHead);

    // The chain alone cannot tell: every entry and the head carry valid MACs.
    expect((await verifyAuditChain(store, K1_ONLY)).ok).toBe(true);
    const report = await verifyAnchored();

    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 6, kind: 'rolled-back', message: expect.stringContaining('ends at entry 3, but it reached entry 6') }]);
  });

  it('deleting every entry and the head no longer verifies', async () => {
    await recordMany(auditLog(store), 4);
    await anchorNow();
    for (const seq of [1, 2, 3, 4]) await store.delete(AUDIT_ENTRIES, entryKey(seq));
    await store.delete(AUDIT_META, AUDIT_HEAD_KEY);

    const report = await verifyAnchored();

    expect(report).toMatchObject({ ok: false, entries: 0 });
    expect(report.problems).toEqual([{ seq: 4, kind: 'rolled-back', message: expect.stringContaining('the trail is empty, but it held 4 entries') }]);
  });

  it('restoring an older copy of the database and writing on past the anchor is caught at the anchored entry', async () => {
    const log = auditLog(store);
    await recordMany(log, 2);
    const backup = (await store.list<Raw>(AUDIT_ENTRIES, { limit: 100 })).records;
    const backupHead = await head();
    await recordMany(log, 2);
    await anchorNow();
    // The backup goes back in; the service appends on top of it, each entry properly sealed.
    for (const seq of [3, 4]) await store.delete(AUDIT_ENTRIES, entryKey(seq));
    for (const record of backup) await store.put(AUDIT_ENTRIES, record.key, record.value);
    await store.put(AUDIT_META, AUDIT_HEAD_KEY, backupHead);
    await log.record({ action: 'objection.answered', outcome: 'info', actor: { kind: 'system', name: 'coach' } });
    await log.record({ action: 'objection.answered', outcome: 'info', actor: { kind: 'system', name: 'coach' } });
    await log.record({ action: 'objection.answered', outcome: 'info', actor: { kind: 'system', name: 'coach' } });

    expect((await verifyAuditChain(store, K1_ONLY)).ok).toBe(true);
    const report = await verifyAnchored();

    expect(kinds(report)).toEqual(['4:anchor-mismatch']);
    const lines: string[] = [];
    await exportAudit(store, { keys: K1_ONLY, anchors: await loadAnchorBook([anchors], K1_ONLY) }, (line) => lines.push(line));
    expect(lines.map((line) => (JSON.parse(line) as { verified: boolean }).verified)).toEqual([true, true, true, false, true]);
  });

  it('an anchor forged without the key is reported and does not count', async () => {
    await recordMany(auditLog(store), 2);
    await anchorNow();
    const forged = { v: 1, seq: 9, hash: 'a'.repeat(64), keyId: 'k1', at: new Date().toISOString() };
    appendFileSync(anchors.path, `${JSON.stringify({ ...forged, mac: anchorMac(ATTACKER_KEY, forged) })}\n`);

    const report = await verifyAnchored();

    expect(kinds(report)).toEqual(['9:forged-anchor']);
    expect(report.anchors?.newest?.seq).toBe(2);
  });

  it('an anchor sealed with a key that is not configured is reported', async () => {
    await recordMany(auditLog(store), 2);
    await anchors.write(makeAnchor({ keyId: 'k2', keys: keysOf({ k2: KEY_2 }) }, { seq: 2, hash: (await head()).hash as string }, new Date()));

    expect(kinds(await verifyAnchored())).toEqual(['2:unknown-key']);
    expect((await verifyAnchored(keysOf({ k1: KEY_1, k2: KEY_2 }))).ok).toBe(true);
  });

  it('with no anchor yet the trail verifies and the report says there is none', async () => {
    await recordMany(auditLog(store), 2);

    const report = await verifyAnchored();

    expect(report).toMatchObject({ ok: true, anchors: { valid: 0, sources: [anchors.name] } });
    expect(report.anchors?.newest).toBeUndefined();
  });

  it('an anchor file that cannot be read fails verification instead of being taken as empty', async () => {
    await recordMany(auditLog(store), 2);
    const unreadable = new FileAnchorSink(dir);

    const report = await verifyAuditChain(store, K1_ONLY, { anchors: await loadAnchorBook([unreadable], K1_ONLY) });

    expect(kinds(report)).toEqual(['0:anchors-unreadable']);
  });
});

describe('anchors as written and as read back', () => {
  it("an anchor's MAC has its own purpose: it is neither the entry's nor the head's MAC over the same values", () => {
    const anchor = makeAnchor(keyring, { seq: 7, hash: 'b'.repeat(64) }, new Date('2025-06-01T00:00:00Z'));

    expect(anchor.mac).not.toBe(auditMac(KEY_1, anchor.hash));
    expect(anchor.mac).not.toBe(headMac(KEY_1, 7, anchor.hash));
    expect(anchor.mac).toBe(anchorMac(KEY_1, anchor));
    expect(anchorMac(KEY_1, { ...anchor, at: '2025-06-01T00:00:01.000Z' })).not.toBe(anchor.mac);
  });

  it('a log line carrying an anchor (a copy from the SIEM) reads as the anchor; other lines read as nothing', () => {
    const anchor = makeAnchor(keyring, { seq: 3, hash: 'c'.repeat(64) }, new Date());
    const logLine = JSON.stringify({ time: anchor.at, level: 'info', msg: ANCHOR_LOG_MESSAGE, service: 'passkey-coach', anchor });

    expect(parseAnchorLine(logLine)).toEqual(anchor);
    expect(parseAnchorLine(JSON.stringify(anchor))).toEqual(anchor);
    expect(parseAnchorLine(JSON.stringify({ msg: 'listening', url: 'http://127.0.0.1' }))).toBeUndefined();
    expect(parseAnchorLine('{"v":1,"seq":3')).toBeUndefined();
  });

  it('the file only grows, and a line torn by a crash does not swallow the next anchor', async () => {
    const first = makeAnchor(keyring, { seq: 1, hash: 'd'.repeat(64) }, new Date());
    const second = makeAnchor(keyring, { seq: 2, hash: 'e'.repeat(64) }, new Date());
    await anchors.write(first);
    appendFileSync(anchors.path, '{"v":1,"seq":2,"ha');
    await anchors.write(second);

    const lines = await anchors.readLines();

    expect(lines).toHaveLength(3);
    expect(lines.map(parseAnchorLine)).toEqual([first, undefined, second]);
    const book = await loadAnchorBook([anchors], K1_ONLY);
    expect(book.summary()).toMatchObject({ valid: 2, ignoredLines: 1, newest: { seq: 2 } });
  });

  it('a file that does not exist yet holds no anchors', async () => {
    expect(await new FileAnchorSink(path.join(dir, 'missing.jsonl')).readLines()).toEqual([]);
  });
});
