// What the store asks of its storage is counted at the adapter (SQLite: statements per operation; Azure Table: HTTP
// requests per method, in test/store/azure-table-store.e2e.test.ts's Azurite suite) and served to the benchmarks in demo
// mode only, at /_demo/store-requests (test/http/inbound-auth.e2e.test.ts checks that production has no such route).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../support/bot-harness.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

let bot: RunningBot;

beforeAll(async () => {
  bot = await startBot();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
});

const counts = async () => {
  const response = await fetch(`${bot.url}/_demo/store-requests`);
  expect(response.status).toBe(200);
  return (await response.json()) as { total: number; byKind: Record<string, number> };
};

describe('store requests', () => {
  it('are counted per operation, and a turn adds its reads and writes', async () => {
    const before = await counts();
    expect(before.total).toBe(Object.values(before.byKind).reduce((sum, count) => sum + count, 0));
    await bot.post({
      type: 'message',
      id: 'store-requests-1',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      from: { id: '29:counting', aadObjectId: '0d6c3a3e-9a41-4f57-8a89-1a2b3c4d5e6f', name: 'Counting Person' },
      recipient: { id: '28:bot', name: 'Passkey Coach' },
      conversation: { id: 'a:counting', conversationType: 'personal', tenantId: '11111111-1111-1111-1111-111111111111' },
      locale: 'en-US',
      text: 'why do I need a passkey?',
      deliveryMode: 'expectReplies',
    });
    const after = await counts();
    expect(after.total).toBeGreaterThan(before.total);
    expect(after.byKind.get ?? 0).toBeGreaterThan(before.byKind.get ?? 0);
  });

  it('count every operation of a SQLite store, failed ones too', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    await store.put('p', 'a', { n: 1 });
    await store.get('p', 'a');
    await store.get('p', 'missing');
    await expect(store.insert('p', 'a', { n: 2 })).rejects.toThrow();
    expect(store.requestCounts()).toEqual({ put: 1, get: 2, insert: 1 });
    await store.close();
  });
});
