// What goes with the outcomes (the chats the messenger opened) is written when the sender settles them, in the same
// turn of the event loop; its failure is said, and neither holds up the outcomes nor sends anything twice.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { Outbox, type OutboxRow } from '../../src/outbox/outbox.js';
import { type DeliveryResult, OutboxSender } from '../../src/outbox/outbox-sender.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

let store: SqliteStore;
let logs: MemorySink;

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-12-01T09:00:00.000Z') });
  store = SqliteStore.open({ path: ':memory:' });
  logs = new MemorySink();
});

afterEach(async () => {
  vi.useRealTimers();
  await store.close();
});

function sender(outbox: Outbox, alongsideOutcomes: () => Promise<void>) {
  const delivered: string[] = [];
  const instance = new OutboxSender({
    outbox,
    store,
    handler: {
      async deliver(row: OutboxRow): Promise<DeliveryResult> {
        delivered.push(row.userId);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { outcome: 'sent' };
      },
      async settled() {},
    },
    logger: createLogger({ level: 'debug', sink: logs }),
    instanceId: 'instance-a',
    concurrency: 4,
    alongsideOutcomes,
  });
  return { instance, delivered };
}

async function run(outbox: Outbox, alongside: () => Promise<void>, users: string[]): Promise<string[]> {
  for (const userId of users) await outbox.enqueue({ subjectId: 'C-1', userId, step: 'invite', dueAt: new Date().toISOString() });
  const { instance, delivered } = sender(outbox, alongside);
  instance.start();
  await vi.advanceTimersByTimeAsync(5_000);
  const stopping = instance.stop(Date.now() + 1_000);
  await vi.advanceTimersByTimeAsync(1_000);
  await stopping;
  return delivered;
}

describe('writes that go with the outcomes', () => {
  it('start before the outcomes they go with are written, once per settled batch and once more at the stop', async () => {
    const outbox = new Outbox(store);
    const loggedWhenCalled: number[] = [];
    const alongside = async () => {
      let logged = 0;
      for await (const page of outbox.log('C-1')) logged += page.length;
      loggedWhenCalled.push(logged);
    };
    const delivered = await run(outbox, alongside, ['u1', 'u2', 'u3', 'u4']);
    expect(delivered.sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
    // Four settled together: the first call comes before any of their outcomes is logged.
    expect(loggedWhenCalled[0]).toBe(0);
    expect(loggedWhenCalled.length).toBeGreaterThanOrEqual(2);
    for (const userId of ['u1', 'u2', 'u3', 'u4']) expect((await outbox.logEntry('C-1', userId, 'invite'))?.outcome).toBe('sent');
  });

  it('failing, are logged, and the outcomes are written all the same, each message sent once', async () => {
    const outbox = new Outbox(store);
    const delivered = await run(outbox, () => Promise.reject(new Error('the store is down')), ['u1', 'u2']);
    expect(delivered.sort()).toEqual(['u1', 'u2']);
    expect(logs.text()).toContain('writes that go with the outcomes failed');
    for (const userId of ['u1', 'u2']) expect((await outbox.logEntry('C-1', userId, 'invite'))?.outcome).toBe('sent');
    expect(await outbox.nextDueAt()).toBeUndefined();
  });
});
