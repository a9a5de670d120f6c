// The campaign scheduler at shutdown: a run stuck waiting (Graph's report throttle can hold one for seconds) must not
// keep the process past its shutdown budget.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CampaignScheduler } from '../../src/campaigns/campaign-scheduler.js';
import { createLogger } from '../../src/logging/logger.js';
import { BackgroundWork } from '../../src/shared/background-work.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

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
