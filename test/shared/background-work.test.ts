// Work after a turn (a status check waiting its turn in Graph's queue, opening an escalation): a failure, thrown or
// rejected, is logged with the task's name and never reaches the process; shutdown waits for it until its deadline.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { BackgroundWork } from '../../src/shared/background-work.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('BackgroundWork', () => {
  it('logs a status check that fails, whether it rejects or throws before its first await, and keeps it from the process', async () => {
    const logs = new MemorySink();
    const background = new BackgroundWork(createLogger({ sink: logs, level: 'error' }));
    background.run('status-check', async () => {
      throw new Error('SQLITE_FULL: database or disk is full');
    });
    expect(() =>
      background.run('status-check', (() => {
        throw new Error('not even a promise');
      }) as unknown as () => Promise<void>),
    ).not.toThrow();
    expect(await background.drain(Date.now() + 1_000)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    const failures = logs.entries().filter((entry) => entry.msg === 'background work failed' && entry.task === 'status-check');
    expect(failures).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });
});
