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

  it('logs a failed run and keeps its schedule', async () => {
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
    expect(runs).toBe(2);
    expect(logs.text()).toContain('background work failed');
    expect(logs.text()).toContain('flaky');
  });
});
