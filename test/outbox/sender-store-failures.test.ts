// The sender meets a failing store (a full disk, an unreachable storage account): it must neither crash the process
// nor send a message twice nor stop for good. It logs, backs off, and carries on when the store is back.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { Outbox, type OutboxRow } from '../../src/outbox/outbox.js';
import { type DeliveryResult, OutboxSender } from '../../src/outbox/outbox-sender.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { FaultyStore } from '../support/faulty-store.js';

let inner: SqliteStore;
let store: FaultyStore;
let logs: MemorySink;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-12-01T09:00:00.000Z') });
  inner = SqliteStore.open({ path: ':memory:' });
  store = new FaultyStore(inner);
  logs = new MemorySink();
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  vi.useRealTimers();
  await inner.close();
});

/** Sends by recording who got what; Teams always answers, in 10 ms. */
function recordingSender(outbox: Outbox, instanceId = 'instance-a', over: FaultyStore = store) {
  const delivered: string[] = [];
  const sender = new OutboxSender({
    outbox,
    store: over,
    handler: {
      async deliver(row: OutboxRow): Promise<DeliveryResult> {
        delivered.push(`${row.userId}|${row.step}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { outcome: 'sent' };
      },
      async settled() {},
    },
    logger: createLogger({ level: 'debug', sink: logs }),
    instanceId,
    concurrency: 2,
  });
  return { sender, delivered };
}

async function queue(outbox: Outbox, users: string[]): Promise<void> {
  for (const userId of users) await outbox.enqueue({ subjectId: 'C-1', userId, step: 'invite', dueAt: new Date().toISOString() });
}

async function stop(sender: OutboxSender): Promise<void> {
  const stopping = sender.stop(Date.now() + 1_000);
  await vi.advanceTimersByTimeAsync(1_000);
  await stopping;
}

describe('the sender when the store fails', () => {
  it('survives a rejected Outbox.finish: the message is not sent again, and its outcome is written once the store is back', async () => {
    const outbox = new Outbox(store);
    await queue(outbox, ['u1', 'u2', 'u3']);
    // Teams answers, then the outcome cannot be written.
    store.fail((operation, partition) => operation === 'insert' && partition?.startsWith('outbox-log:') === true);
    const { sender, delivered } = recordingSender(outbox);
    sender.start();
    await vi.advanceTimersByTimeAsync(30_000);

    expect(unhandled).toEqual([]);
    expect(delivered.sort()).toEqual(['u1|invite', 'u2|invite', 'u3|invite']);
    expect(logs.text()).toContain('could not write what became of a message; trying again');
    expect(store.failures.get('insert')).toBeGreaterThan(3);

    store.heal();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(unhandled).toEqual([]);
    expect(delivered).toHaveLength(3);
    for (const userId of ['u1', 'u2', 'u3']) expect((await outbox.logEntry('C-1', userId, 'invite'))?.outcome).toBe('sent');
    expect(await outbox.nextDueAt()).toBeUndefined();
    expect(sender.stats().sent).toBe(3);
    await stop(sender);
  });

  it('backs off while the outbox cannot be read, and sends once it can', async () => {
    const outbox = new Outbox(store);
    await queue(outbox, ['u1']);
    store.fail((operation, partition) => operation === 'list' && partition === 'outbox');
    const { sender, delivered } = recordingSender(outbox);
    sender.start();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    // Doubling waits from a second up to a minute: a handful of tries in five minutes, not one a second.
    const tries = store.failures.get('list') ?? 0;
    expect(tries).toBeGreaterThan(3);
    expect(tries).toBeLessThan(15);
    expect(logs.text()).toContain('outbox pass failed; trying again shortly');
    expect(delivered).toEqual([]);

    store.heal();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(delivered).toEqual(['u1|invite']);
    expect(unhandled).toEqual([]);
    await stop(sender);
  });

  it('stops sending when it loses its lease, and the other instance sends within 20 s of the holder going silent', async () => {
    const outbox = new Outbox(store);
    await queue(outbox, ['u1']);
    // Instance A sees the store through a view of its own that can fail while B's does not.
    const viewOfA = new FaultyStore(inner);
    const a = recordingSender(new Outbox(viewOfA), 'instance-a', viewOfA);
    const b = recordingSender(outbox, 'instance-b');
    a.sender.start();
    await vi.advanceTimersByTimeAsync(100);
    b.sender.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(a.delivered).toEqual(['u1|invite']);
    expect(a.sender.stats().holdsLease).toBe(true);
    expect(b.sender.stats().holdsLease).toBe(false);

    // A can no longer reach the store (frozen, or cut off): it cannot renew, and stops at its lease's end.
    viewOfA.fail();
    const silentAt = Date.now();
    await queue(outbox, ['u2']);
    while (!b.sender.stats().holdsLease && Date.now() - silentAt < 60_000) await vi.advanceTimersByTimeAsync(500);
    expect(Date.now() - silentAt).toBeLessThanOrEqual(20_000);
    expect(a.sender.stats().holdsLease).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.delivered).toEqual(['u2|invite']);
    expect(a.delivered).toEqual(['u1|invite']);
    expect(logs.text()).toContain('lost a lease: the work under it stops');
    await stop(a.sender);
    await stop(b.sender);
  });
});
