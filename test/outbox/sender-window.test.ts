// The sender keeps as many messages in flight as the tenant's rate needs at the time each takes: Teams' rate when
// calls are slow (where a fixed 8 falls far short), few in flight when they are fast. On fake time: a real outbox on
// SQLite, the real paced limiter, and a handler whose send waits for the limiter and then for the "network".

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlidingWindowLimiter, systemClock } from '../../src/directory/rate-limiter.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { type DeliveryResult, OutboxSender } from '../../src/outbox/outbox-sender.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const RATE = 20;

let store: SqliteStore;

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-12-01T09:00:00.000Z') });
  store = SqliteStore.open({ path: ':memory:' });
});

afterEach(async () => {
  vi.useRealTimers();
  await store.close();
});

interface Run {
  /** Messages sent a second once under way (seconds 4 to 12). */
  perSecond: number;
  /** The most in flight at once, and the window at the end. */
  mostInFlight: number;
  window: number;
  sentTwice: number;
}

async function send({ callMs, adaptive, concurrency }: { callMs: number; adaptive: boolean; concurrency: number }): Promise<Run> {
  const outbox = new Outbox(store);
  for (let i = 0; i < 400; i += 1) await outbox.enqueue({ subjectId: 'C-1', userId: `u${i}`, step: 'invite', dueAt: new Date().toISOString() });
  const limiter = new SlidingWindowLimiter([{ limit: RATE, windowMs: 1_000 }], systemClock, { burst: 2 });
  const start = Date.now();
  const sentAt: number[] = [];
  const seen = new Set<string>();
  let sentTwice = 0;
  let inFlight = 0;
  let mostInFlight = 0;
  const sender = new OutboxSender({
    outbox,
    store,
    handler: {
      async deliver(row): Promise<DeliveryResult> {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await limiter.acquire();
        await new Promise((resolve) => setTimeout(resolve, callMs));
        if (seen.has(row.userId)) sentTwice += 1;
        seen.add(row.userId);
        sentAt.push(Date.now() - start);
        inFlight -= 1;
        return { outcome: 'sent' };
      },
      async settled() {},
    },
    logger: createLogger({ level: 'error', sink: new MemorySink() }),
    instanceId: 'instance-a',
    concurrency,
    ...(adaptive ? { pressure: limiter } : {}),
  });
  sender.start();
  await vi.advanceTimersByTimeAsync(12_000);
  const window = sender.stats().window;
  const stopping = sender.stop(Date.now() + 5_000);
  await vi.advanceTimersByTimeAsync(5_000);
  await stopping;
  const steady = sentAt.filter((at) => at >= 4_000 && at < 12_000).length;
  return { perSecond: steady / 8, mostInFlight, window, sentTwice };
}

describe('messages in flight follow the time each takes', () => {
  it('calls of a second each: a fixed 8 in flight reach 8 a second; the window reaches the rate with about rate × time in flight', async () => {
    const fixed = await send({ callMs: 1_000, adaptive: false, concurrency: 8 });
    expect(fixed.perSecond).toBeLessThan(9);
    const following = await send({ callMs: 1_000, adaptive: true, concurrency: 64 });
    expect(following.perSecond).toBeGreaterThanOrEqual(RATE * 0.95);
    // About 20 in the network, a few waiting at the limiter and room to take rows in batches: well under the bound.
    expect(following.window).toBeGreaterThanOrEqual(RATE);
    expect(following.window).toBeLessThanOrEqual(40);
    expect(following.sentTwice + fixed.sentTwice).toBe(0);
  });

  it('fast calls: the rate with only a few in flight, not the bound', async () => {
    const following = await send({ callMs: 5, adaptive: true, concurrency: 64 });
    expect(following.perSecond).toBeGreaterThanOrEqual(RATE * 0.95);
    expect(following.window).toBeLessThanOrEqual(14);
    expect(following.mostInFlight).toBeLessThanOrEqual(16);
  });

  it('never more in flight than the bound, however slow the calls', async () => {
    const bounded = await send({ callMs: 3_000, adaptive: true, concurrency: 24 });
    expect(bounded.mostInFlight).toBeLessThanOrEqual(24);
    expect(bounded.window).toBe(24);
    // 24 in flight for 3 s each: 8 a second, all the bound allows.
    expect(bounded.perSecond).toBeGreaterThanOrEqual(7);
  });
});
