// Runs the store contract, unchanged, against the Azure Table adapter on a real Azurite started for this file; and
// checks what only this adapter has: the name code that keeps order and prefixes within Azure's key rules.

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { PERSONAL_CHATS_PARTITION } from '../../src/messaging/conversation-references.js';
import { AzureTableStore } from '../../src/store/azure-table-store.js';
import { BatchingStore } from '../../src/store/batching-store.js';
import { decodeName, encodeName } from '../../src/store/table-names.js';
import { activityFixture, startBot } from '../support/bot-harness.js';
import { useAzurite } from '../support/azurite.js';
import { startRecordingConnector } from '../support/recording-connector.js';
import { describeStoreContract } from './store-contract.js';

const azurite = useAzurite();

const table = `contract${randomUUID().replace(/-/g, '').slice(0, 12)}`;
// The contract fakes time to let leases run out; here the faked clock stands in for the table service's.
describeStoreContract('Azure Table (Azurite)', async () => AzureTableStore.open({ connectionString: azurite().connectionString, table, allowInsecureConnection: true, leaseClock: () => Date.now() }), { timeoutMs: 30_000 });
describeStoreContract('Azure Table (Azurite) behind the batching store', async () => new BatchingStore(await AzureTableStore.open({ connectionString: azurite().connectionString, table, allowInsecureConnection: true, leaseClock: () => Date.now() })), { timeoutMs: 30_000 });

describe('Azure Table leases', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('follow the table service\'s clock: an instance whose clock runs ten minutes ahead can neither take a live lease nor lose its own', async () => {
    const open = () => AzureTableStore.open({ connectionString: azurite().connectionString, table: 'leaseclock', allowInsecureConnection: true });
    const [a, b] = [await open(), await open()];
    const name = `lease-${randomUUID()}`;
    const held = await a.acquireLease(name, 'instance-a', 60_000);
    expect(held).toBeDefined();
    // The lease ends a minute after the service stamped it, in the service's time (Azurite runs on this machine).
    expect(Math.abs(Date.parse(held?.expiresAt ?? '') - (Date.now() + 60_000))).toBeLessThan(5_000);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect(await b.acquireLease(name, 'instance-b', 60_000)).toBeUndefined();
    if (!held) throw new Error('the free lease should have been granted');
    const renewed = await a.renewLease(held, 60_000);
    expect(renewed.holder).toBe('instance-a');
    expect(await b.acquireLease(name, 'instance-b', 60_000)).toBeUndefined();
  });
});

describe('Azure Table names', () => {
  const samples = ['', 'a', 'a%b/1', 'a#b?c\\d', 'Zoë/مرحبا', 'café/\uffff', 'café/😀', 'x\u0001y', '\u007f\u009f\u00a0', '2026-12-04T10:00:00.000Z|c1|u1|invite'];

  it('round-trip every kind of character, and use none that Azure keys refuse', () => {
    for (const sample of samples) {
      const encoded = encodeName(sample);
      expect(decodeName(encoded)).toBe(sample);
      // Azure refuses / \ # ? and the control characters, all of which lie below U+00A0.
      expect([...encoded].filter((char) => '/\\#?'.includes(char) || (char.codePointAt(0) ?? 0) < 0xa0)).toEqual([]);
    }
  });

  it('compare by UTF-16 unit exactly as the names compare by code point, and keep prefixes', () => {
    const byCodePoint = (a: string, b: string) => {
      const x = Array.from(a, (char) => char.codePointAt(0) ?? 0);
      const y = Array.from(b, (char) => char.codePointAt(0) ?? 0);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      return x.length - y.length;
    };
    const sorted = [...samples].sort(byCodePoint);
    const byEncoding = [...samples].sort((a, b) => (encodeName(a) < encodeName(b) ? -1 : encodeName(a) > encodeName(b) ? 1 : 0));
    expect(byEncoding).toEqual(sorted);
    expect(encodeName('a%b/1').startsWith(encodeName('a%b/'))).toBe(true);
    expect(encodeName('a%b0').startsWith(encodeName('a%b/'))).toBe(false);
  });
});

describe('Azure Table key limits', () => {
  it('refuses, as a malformed request, a name that outgrows Azure\'s 1 KiB key once encoded (characters from U+D760 take three units)', async () => {
    const store = await AzureTableStore.open({ connectionString: azurite().connectionString, table: 'limits', allowInsecureConnection: true });
    await expect(store.put('p', '😀'.repeat(200), 1)).rejects.toMatchObject({ code: 'request.malformed' });
    await store.put('p', '😀'.repeat(170), 'fits');
    expect((await store.get('p', '😀'.repeat(170)))?.value).toBe('fits');
  });
});

describe('Azure Table requests', () => {
  it('are counted per HTTP method, one per request the table service receives', async () => {
    const store = await AzureTableStore.open({ connectionString: azurite().connectionString, table: 'counting', allowInsecureConnection: true });
    const opened = store.requestCounts();
    await store.put('p', 'a', 1);
    await store.get('p', 'a');
    await store.get('p', 'missing');
    // Three records of one partition go in one entity-group batch: one request.
    await store.insertMany('p', [{ key: 'b', value: 2 }, { key: 'c', value: 3 }, { key: 'd', value: 4 }]);
    const counts = store.requestCounts();
    const sent = (method: string) => (counts[method] ?? 0) - (opened[method] ?? 0);
    expect(sent('GET')).toBe(2);
    expect(sent('POST')).toBe(1);
    expect(Object.keys(counts).reduce((sum, method) => sum + sent(method), 0)).toBe(4);
  });
});

describe('the service on Azure Table Storage', () => {
  it('starts with STORE=azure-table, answers a turn, and keeps its state (the chat it came from) in the table', async () => {
    const bot = await startBot({ STORE: 'azure-table', AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString, AZURE_STORAGE_TABLE_NAME: 'servicetest' });
    // Demo mode keeps a chat's address only when a connector answers there (a loopback one, here).
    const connector = await startRecordingConnector();
    try {
      expect((bot.service.store as BatchingStore).inner).toBeInstanceOf(AzureTableStore);
      const result = await bot.post(activityFixture('message-personal', { text: 'help', deliveryMode: 'expectReplies', serviceUrl: connector.serviceUrl }));
      expect(result.status).toBe(200);
      const reopened = await AzureTableStore.open({ connectionString: azurite().connectionString, table: 'servicetest', allowInsecureConnection: true });
      expect((await reopened.list(PERSONAL_CHATS_PARTITION)).records.length).toBeGreaterThan(0);
      // The account key never reaches the log.
      expect(bot.logs.text()).not.toContain('Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq');
    } finally {
      await bot.stop();
      await connector.close();
    }
  }, 60_000);

  it('fails closed when the configuration is incomplete, and keeps demo mode on a local emulator', () => {
    expect(() => loadConfig({ STORE: 'azure-table' })).toThrow(/needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_TABLE_URL/);
    expect(() => loadConfig({ STORE: 'azure-table', AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=real;AccountKey=abc;EndpointSuffix=core.windows.net' })).toThrow(/only uses a local Azure Table emulator/);
    expect(() => loadConfig({ AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString })).toThrow(/STORE is sqlite/);
    expect(loadConfig({ STORE: 'azure-table', AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString }).store).toMatchObject({ kind: 'azure-table', table: 'passkeycoach' });
  });
});
