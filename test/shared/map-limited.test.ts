// mapLimited: answers in the items' order, never more than `limit` under way, nothing new started after a failure.

import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../src/shared/map-limited.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapLimited', () => {
  it('answers in the items’ order whatever order they finish in, with at most `limit` under way', async () => {
    let underWay = 0;
    let most = 0;
    const started: number[] = [];
    const answers = await mapLimited([5, 1, 4, 2, 3, 1, 2], 3, async (ms, index) => {
      started.push(index);
      underWay += 1;
      most = Math.max(most, underWay);
      await tick(ms);
      underWay -= 1;
      return `#${index}:${ms}`;
    });
    expect(answers).toEqual(['#0:5', '#1:1', '#2:4', '#3:2', '#4:3', '#5:1', '#6:2']);
    expect(most).toBe(3);
    // Started in the items' order.
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const run = mapLimited([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await tick(1);
      if (item === 1) throw new Error('the second one failed');
      return item;
    });
    await expect(run).rejects.toThrow('the second one failed');
    await tick(10);
    // 0 and 1 at once; 0's worker took 2 as 1 failed (or just before): nothing past it.
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it('starts nothing new once its signal is aborted, and lets the calls under way end', async () => {
    const left = new AbortController();
    const started: number[] = [];
    const answers = await mapLimited(
      [0, 1, 2, 3, 4, 5],
      2,
      async (item) => {
        started.push(item);
        if (item === 1) left.abort();
        await tick(1);
        return item * 10;
      },
      { signal: left.signal },
    );
    expect(started).toEqual([0, 1]);
    expect(answers.slice(0, 2)).toEqual([0, 10]);
  });

  it('handles no items and a limit above their number', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
    expect(await mapLimited(['a'], 4, async (item) => item.toUpperCase())).toEqual(['A']);
  });
});
