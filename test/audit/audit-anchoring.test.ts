// The service's checkpoints: written to the file and the log when the head moved, at stop too, and a failing sink
// is logged and tried again while the others still get their anchor.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileAnchorSink } from '../../src/audit/anchor-file-sink.js';
import { type AnchorSink, parseAnchorLine } from '../../src/audit/audit-anchor.js';
import { AuditAnchorer, anchorFilePath, createAuditAnchoring } from '../../src/audit/audit-anchoring.js';
import { AUDIT_HEAD_KEY, AUDIT_META } from '../../src/audit/audit-entry.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { BackgroundWork } from '../../src/shared/background-work.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { auditLog, K1_ONLY, KEY_1, memoryStore, recordMany } from './audit-fixtures.js';

let store: SqliteStore;
let dir: string;
let logs: MemorySink;

beforeEach(() => {
  store = memoryStore();
  dir = mkdtempSync(path.join(tmpdir(), 'audit-anchoring-'));
  logs = new MemorySink();
});
afterEach(async () => {
  vi.useRealTimers();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const keyring = { keyId: 'k1', keys: K1_ONLY };
const logger = () => createLogger({ sink: logs, level: 'info' });
const fileAnchors = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map(parseAnchorLine);
const loggedAnchors = () => logs.entries().filter((entry) => entry.msg === 'audit.anchor');

class FailingSink implements AnchorSink {
  readonly name = 'a sink that is down';
  failures = 0;
  down = true;
  readonly written: unknown[] = [];
  async write(anchor: unknown): Promise<void> {
    if (this.down) {
      this.failures += 1;
      throw new Error('connection refused');
    }
    this.written.push(anchor);
  }
}

describe('the periodic anchor', () => {
  it('is written to the file and the log at start, then only when the head moved, and once more at stop', async () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T09:00:00Z') });
    const file = path.join(dir, 'audit-anchors.jsonl');
    const log = auditLog(store);
    await recordMany(log, 2);
    const background = new BackgroundWork(logger());
    const anchoring = await createAuditAnchoring({
      settings: { intervalMs: 5 * 60_000, file },
      databasePath: path.join(dir, 'passkey-coach.db'),
      store,
      keyring,
      logger: logger(),
      background,
    });

    // Checkpoints run one after another: awaiting one more (a no-op for an unmoved head) waits for the file I/O.
    const settled = () => anchoring.anchorer.checkpoint();

    anchoring.start();
    await vi.advanceTimersByTimeAsync(0);
    await settled();
    expect(fileAnchors(file).map((anchor) => anchor?.seq)).toEqual([2]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    await settled();
    expect(fileAnchors(file)).toHaveLength(1);
    await recordMany(log, 3);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await settled();
    await recordMany(log, 1);
    await anchoring.stop(Date.now() + 1_000);

    const written = fileAnchors(file);
    expect(written.map((anchor) => anchor?.seq)).toEqual([2, 5, 6]);
    expect(written[1]).toMatchObject({ v: 1, keyId: 'k1', at: '2025-06-01T09:15:00.000Z', hash: expect.stringMatching(/^[0-9a-f]{64}$/), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const head = (await store.get<{ hash: string }>(AUDIT_META, AUDIT_HEAD_KEY))!.value;
    expect(written[2]?.hash).toBe(head.hash);
    // The same anchors go to the log stream, at info level, and nothing secret with them.
    expect(loggedAnchors().map((entry) => entry.level)).toEqual(['info', 'info', 'info']);
    expect(loggedAnchors().map((entry) => entry.anchor)).toEqual(written);
    expect(logs.text()).not.toContain(KEY_1);
    // Stopped: the head moves again, but no schedule writes it.
    await recordMany(log, 1);
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(await background.drain(Date.now() + 1_000)).toBe(true);
    expect(fileAnchors(file)).toHaveLength(3);
  });

  it('writes nothing for an empty trail', async () => {
    const file = path.join(dir, 'audit-anchors.jsonl');
    const anchorer = new AuditAnchorer({ store, keyring, sinks: [new FileAnchorSink(file)], logger: logger() });

    await anchorer.checkpoint();

    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  it('a sink that fails is logged and tried again next time; the others get every anchor and nothing is thrown', async () => {
    vi.useFakeTimers();
    const file = path.join(dir, 'audit-anchors.jsonl');
    const failing = new FailingSink();
    const background = new BackgroundWork(logger());
    const anchorer = new AuditAnchorer({ store, keyring, sinks: [failing, new FileAnchorSink(file)], logger: logger() });
    const log = auditLog(store);
    await recordMany(log, 1);

    await expect(anchorer.checkpoint()).resolves.toBeUndefined();
    await anchorer.checkpoint();
    failing.down = false;
    await anchorer.checkpoint();
    await anchorer.checkpoint();

    expect(failing.failures).toBe(2);
    expect(failing.written).toHaveLength(1);
    expect(fileAnchors(file)).toHaveLength(1);
    const errors = logs.entries().filter((entry) => entry.msg === 'audit anchor not written; trying again at the next checkpoint');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ level: 'error', sink: 'a sink that is down', seq: 1, error: { message: 'connection refused' } });
    expect(background.size).toBe(0);
  });

  it('an anchor file that cannot be opened is logged, not thrown', async () => {
    const anchorer = new AuditAnchorer({ store, keyring, sinks: [new FileAnchorSink(path.join(dir, 'no-such-folder', 'anchors.jsonl'))], logger: logger() });
    await recordMany(auditLog(store), 1);

    await expect(anchorer.checkpoint()).resolves.toBeUndefined();

    expect(logs.text()).toContain('audit anchor not written');
    expect(logs.text()).toContain('ENOENT');
  });

  it('a head that does not verify is not anchored, and a trail shorter than what was anchored is logged as rolled back', async () => {
    const file = path.join(dir, 'audit-anchors.jsonl');
    const anchorer = new AuditAnchorer({ store, keyring, sinks: [new FileAnchorSink(file)], logger: logger() });
    const log = auditLog(store);
    await recordMany(log, 2);
    const older = (await store.get(AUDIT_META, AUDIT_HEAD_KEY))!.value;
    await recordMany(log, 2);
    await anchorer.checkpoint();
    const current = (await store.get<Record<string, unknown>>(AUDIT_META, AUDIT_HEAD_KEY))!.value;

    await store.put(AUDIT_META, AUDIT_HEAD_KEY, { ...current, seq: 9 });
    await anchorer.checkpoint();
    await store.put(AUDIT_META, AUDIT_HEAD_KEY, older);
    await anchorer.checkpoint();

    expect(logs.text()).toContain('audit head does not verify: not anchored');
    expect(logs.entries().find((entry) => entry.msg === 'audit trail is shorter than this service anchored it: it was rolled back')).toMatchObject({ level: 'error', headSeq: 2, anchoredSeq: 4 });
    expect(fileAnchors(file).map((anchor) => anchor?.seq)).toEqual([4, 2]);
  });

  it('the file goes beside the SQLite database unless configured, and nowhere for a database in memory', () => {
    expect(anchorFilePath({ intervalMs: 1 }, '/var/lib/coach/passkey-coach.db')).toBe('/var/lib/coach/audit-anchors.jsonl');
    expect(anchorFilePath({ intervalMs: 1 }, ':memory:')).toBeUndefined();
    expect(anchorFilePath({ intervalMs: 1, file: '/srv/anchors.jsonl' }, ':memory:')).toBe('/srv/anchors.jsonl');
  });
});
