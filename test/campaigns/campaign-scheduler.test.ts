// The campaign scheduler at shutdown: a run stuck waiting (Graph's report throttle can hold one for seconds) must not
// keep the process past its shutdown budget.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('stopping the campaign scheduler', () => {
  it('returns by the deadline while a run is still waiting', async () => {
    let started = false;
    const scheduler = schedulerWith(() => {
      started = true;
      return new Promise<void>(() => undefined);
    });
    scheduler.start();
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));

    const before = Date.now();
    await scheduler.stop(Date.now() + 100);
    expect(Date.now() - before).toBeLessThan(2_000);
  });

  it('waits for a run that finishes before the deadline', async () => {
    let finished = false;
    const scheduler = schedulerWith(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = true;
    });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 10));

    await scheduler.stop(Date.now() + 5_000);
    expect(finished).toBe(true);
  });
});
