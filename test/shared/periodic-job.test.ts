// Upkeep jobs: once at start, then every interval, never after stop, and a failure is logged, not thrown.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { BackgroundWork } from '../../src/shared/background-work.js';
import { PeriodicJob } from '../../src/shared/periodic-job.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('PeriodicJob', () => {
  it('runs at start and then every interval until stopped', async () => {
    vi.useFakeTimers();
    const background = new BackgroundWork(createLogger({ level: 'silent' }));
    let runs = 0;
    const job = new PeriodicJob('count', 1000, async () => {
      runs += 1;
    }, background);
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(4);
    job.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(4);
  });

  it('logs a failed run, tries it again soon, and keeps its schedule', async () => {
    vi.useFakeTimers();
    const logs = new MemorySink();
    const background = new BackgroundWork(createLogger({ sink: logs, level: 'error' }));
    let runs = 0;
    const job = new PeriodicJob('flaky', 1000, async () => {
      runs += 1;
      if (runs === 1) throw new Error('store unavailable');
    }, background);
    job.start();
    await vi.advanceTimersByTimeAsync(1000);
    job.stop();
    // The failed first run, its retry a back-off later, and the interval's.
    expect(runs).toBe(3);
    expect(logs.text()).toContain('background work failed');
    expect(logs.text()).toContain('flaky');
  });
});

describe('PeriodicJob when its work fails', () => {
  it('tries a failed run again after a back-off, long before the next interval, and goes back to the interval after a success', async () => {
    vi.useFakeTimers();
    const logs = new MemorySink();
    const background = new BackgroundWork(createLogger({ sink: logs, level: 'error' }));
    let runs = 0;
    let failing = true;
    // The retention purge: every six hours, and the store is down at the first run.
    const job = new PeriodicJob('retention', 6 * 3600_000, async () => {
      runs += 1;
      if (failing) throw new Error('SQLITE_BUSY: database is locked');
    }, background);
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(2);
    failing = false;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toBe(3);
    // Healthy again: the next run is the interval's.
    await vi.advanceTimersByTimeAsync(3 * 3600_000);
    expect(runs).toBe(3);
    expect(logs.text()).toContain('retention');
    job.stop();
  });

  it('never starts a run while the last one is still going', async () => {
    vi.useFakeTimers();
    const background = new BackgroundWork(createLogger({ level: 'silent' }));
    let running = 0;
    let most = 0;
    const job = new PeriodicJob('slow', 1000, async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 3500));
      running -= 1;
    }, background);
    job.start();
    await vi.advanceTimersByTimeAsync(10_000);
    job.stop();
    expect(most).toBe(1);
  });
});
