// The Azure anchor sink against Azurite's Blob service: append blobs only, a restart never truncates a day's blob,
// and anchors read back from it hold the trail as the file does.

import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppendBlobAnchorSink } from '../../src/audit/anchor-blob-sink.js';
import { loadAnchorBook } from '../../src/audit/anchor-check.js';
import { makeAnchor, parseAnchorLine } from '../../src/audit/audit-anchor.js';
import { AUDIT_ENTRIES, AUDIT_HEAD_KEY, AUDIT_META } from '../../src/audit/audit-entry.js';
import { verifyAuditChain } from '../../src/audit/audit-verify.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { type RunningAzurite, startAzurite } from '../support/azurite.js';
import { auditLog, entryKey, K1_ONLY, memoryStore, recordMany } from './audit-fixtures.js';

let azurite: RunningAzurite;
let container: ContainerClient;
let store: SqliteStore;
let containerNumber = 0;

beforeAll(async () => {
  azurite = await startAzurite('blob');
});
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  // The container is made the way an administrator (the Bicep) makes it: the sink itself never creates one.
  containerNumber += 1;
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(`audit-anchors-${containerNumber}`);
  await container.create();
  store = memoryStore();
});
afterEach(async () => {
  await store.close();
});

const keyring = { keyId: 'k1', keys: K1_ONLY };
const anchorAt = (seq: number, at: string) => makeAnchor(keyring, { seq, hash: String(seq % 10).repeat(64) }, new Date(at));
const sinkFor = (name: string) => AppendBlobAnchorSink.fromSettings({ container: name, connectionString: azurite.connectionString });

describe('anchors in Azure append blobs', () => {
  it('appends each anchor to the append blob of its day and reads them back in order', async () => {
    const sink = sinkFor(container.containerName);
    const written = [anchorAt(1, '2025-06-01T09:00:00Z'), anchorAt(2, '2025-06-01T09:05:00Z'), anchorAt(3, '2025-06-02T00:01:00Z')];
    for (const anchor of written) await sink.write(anchor);

    const blobs: { name: string; type: string | undefined }[] = [];
    for await (const item of container.listBlobsFlat()) blobs.push({ name: item.name, type: item.properties.blobType });

    expect(blobs).toEqual([
      { name: 'anchors/2025-06-01.jsonl', type: 'AppendBlob' },
      { name: 'anchors/2025-06-02.jsonl', type: 'AppendBlob' },
    ]);
    expect((await sink.readLines()).map(parseAnchorLine)).toEqual(written);
    expect(sink.name).toBe(`append blobs in ${container.url}`);
    expect(sink.name).not.toContain('AccountKey');
  });

  it("a restarted writer appends to the day's blob instead of recreating it", async () => {
    await sinkFor(container.containerName).write(anchorAt(4, '2025-06-01T10:00:00Z'));
    const restarted = sinkFor(container.containerName);
    await restarted.write(anchorAt(5, '2025-06-01T10:05:00Z'));

    expect((await restarted.readLines()).map((line) => parseAnchorLine(line)?.seq)).toEqual([4, 5]);
  });

  it('writing an older anchor through the sink only adds a line: the newer one stays and still holds the trail', async () => {
    const log = auditLog(store);
    await recordMany(log, 4);
    const head = (await store.get<{ seq: number; hash: string }>(AUDIT_META, AUDIT_HEAD_KEY))!.value;
    const sink = sinkFor(container.containerName);
    await sink.write(makeAnchor(keyring, head, new Date('2025-06-01T11:00:00Z')));
    // The database's writer cuts the trail back to 2 and has the service anchor that shorter head.
    const olderHash = (await store.get<{ hash: string }>(AUDIT_ENTRIES, entryKey(2)))!.value.hash;
    for (const seq of [3, 4]) await store.delete(AUDIT_ENTRIES, entryKey(seq));
    await sink.write(makeAnchor(keyring, { seq: 2, hash: olderHash }, new Date('2025-06-01T11:05:00Z')));

    const report = await verifyAuditChain(store, K1_ONLY, { anchors: await loadAnchorBook([sink], K1_ONLY) });

    expect((await sink.readLines()).map((line) => parseAnchorLine(line)?.seq)).toEqual([4, 2]);
    expect(report.ok).toBe(false);
    expect(report.problems.map(({ kind }) => kind)).toContain('rolled-back');
    expect(report.anchors?.newest).toMatchObject({ seq: 4, source: sink.name });
  });

  it('a container that does not exist is reported as unreadable anchors, never as none', async () => {
    await recordMany(auditLog(store), 1);
    const missing = sinkFor('no-such-container');

    const report = await verifyAuditChain(store, K1_ONLY, { anchors: await loadAnchorBook([missing], K1_ONLY) });

    expect(report.problems.map(({ kind }) => kind)).toEqual(['anchors-unreadable']);
    await expect(missing.write(anchorAt(1, '2025-06-01T00:00:00Z'))).rejects.toThrow();
  });
});
