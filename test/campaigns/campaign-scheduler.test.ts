// The campaign scheduler at shutdown: a run stuck waiting (Graph's report throttle can hold one for seconds) must not
// keep the process past its shutdown budget. Across instances: a short lease, renewed while a run lasts, taken over
// within 30 s when its holder goes silent, whose loss stops the run; and a failing store is waited out, not fatal.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CampaignScheduler } from '../../src/campaigns/campaign-scheduler.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { BackgroundWork } from '../../src/shared/background-work.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store-port.js';
import { FaultyStore } from '../support/faulty-store.js';

let store: SqliteStore;

beforeEach(() => {
  store = SqliteStore.open({ path: ':memory:' });
});

afterEach(async () => {
  await store.close();
});

function schedulerWith(work: () => Promise<void>): CampaignScheduler {
  const logger = createLogger({ level: 'silent' });
  return new CampaignScheduler({ work, store, instanceId: 'test', background: new BackgroundWork(logger), logger });
}

/** Lets the run begin (microtasks and the store's I/O) without moving fake time. */
async function untilStarted(started: () => boolean): Promise<void> {
  for (let turn = 0; !started(); turn++) {
    if (turn > 1_000) throw new Error('the run never started');
    await vi.advanceTimersByTimeAsync(0);
  }
}

// Fake timers (Date and every timer): the deadline is checked to the millisecond, and nothing waits in real time.
describe('stopping the campaign scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns by the deadline while a run is still waiting', async () => {
    let started = false;
    const scheduler = schedulerWith(() => {
      started = true;
      return new Promise<void>(() => undefined);
    });
    scheduler.start();
    await untilStarted(() => started);

    let stopped = false;
    const stopping = scheduler.stop(Date.now() + 100).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stopped).toBe(true);
    await stopping;
  });

  it('waits for a run that finishes before the deadline', async () => {
    let started = false;
    let finished = false;
    const scheduler = schedulerWith(async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = true;
    });
    scheduler.start();
    await untilStarted(() => started);

    let stopped = false;
    const stopping = scheduler.stop(Date.now() + 5_000).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stopped).toBe(true);
    expect(finished).toBe(true);
    await stopping;
  });
});

describe('the campaign scheduler across instances and failures', () => {
  const T0 = Date.parse('2026-12-01T09:00:00.000Z');
  let logs: MemorySink;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    logs = new MemorySink();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function instance(id: string, over: Store, work: (now: Date, signal: AbortSignal) => Promise<void>): CampaignScheduler {
    const logger = createLogger({ level: 'debug', sink: logs, bindings: { instance: id } });
    return new CampaignScheduler({ work, store: over, instanceId: id, background: new BackgroundWork(logger), logger });
  }

  /** A run that lasts until its signal aborts (a long targeting pass that checks between pages). */
  const untilAborted = (runs: { started: number; stopped: number }) => (_now: Date, signal: AbortSignal) => {
    runs.started += 1;
    return new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => {
        runs.stopped += 1;
        resolve();
      });
    });
  };

  it('when the holder goes silent mid-run, its run is told to stop and another instance runs within 30 s', async () => {
    const viewOfA = new FaultyStore(store);
    const a = { started: 0, stopped: 0 };
    const b = { started: 0, stopped: 0 };
    const first = instance('instance-a', viewOfA, untilAborted(a));
    const second = instance('instance-b', store, untilAborted(b));
    first.start();
    await vi.advanceTimersByTimeAsync(10);
    second.start();
    await vi.advanceTimersByTimeAsync(10);
    expect([a.started, b.started]).toEqual([1, 0]);

    // A can no longer reach the store: it cannot renew its lease.
    viewOfA.fail();
    const silentAt = Date.now();
    while (b.started === 0 && Date.now() - silentAt < 180_000) await vi.advanceTimersByTimeAsync(500);
    expect(Date.now() - silentAt).toBeLessThanOrEqual(30_000);
    // A's run was told to stop before B's began: never two runs at once.
    expect(a.stopped).toBe(1);
    expect(logs.text()).toContain('lost a lease: the work under it stops');
    await first.stop(Date.now());
    await second.stop(Date.now());
  });

  it('when the store cannot give the lease, logs it, backs off, and runs once the store is back', async () => {
    const faulty = new FaultyStore(store);
    faulty.fail((operation) => operation === 'acquireLease');
    let runs = 0;
    const scheduler = instance('instance-a', faulty, async () => {
      runs += 1;
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(50_000);
    expect(runs).toBe(0);
    expect(logs.text()).toContain('could not reach the store to take the scheduler lease; trying again');
    // Backing off: a few tries, not one a second.
    expect(faulty.failures.get('acquireLease')).toBeGreaterThan(2);
    expect(faulty.failures.get('acquireLease')).toBeLessThan(10);
    faulty.heal();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBeGreaterThan(0);
    await scheduler.stop(Date.now());
  });

  it('logs a run that failed and tries again after a back-off, before the next minute', async () => {
    let runs = 0;
    const scheduler = instance('instance-a', store, async () => {
      runs += 1;
      if (runs === 1) throw new Error('SQLITE_IOERR: disk I/O error');
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toBe(1);
    expect(logs.text()).toContain('scheduled work failed; trying again');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(2);
    await scheduler.stop(Date.now());
  });
});
