// The Graph emulator's turn-taking as a pure unit: bursts are cut into slices of the event loop, nothing is lost or
// reordered, and a request waiting for I/O does not hold the others up.

import { describe, expect, it } from 'vitest';
import { takingTurns } from '../../../src/dev/graph-emulator/taking-turns.js';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the work of one request
  }
}

describe('takingTurns', () => {
  it('starts every request, in order, and starts again after a quiet moment', async () => {
    const takeTurn = takingTurns();
    const order: number[] = [];
    const request = async (id: number) => {
      const done = await takeTurn();
      order.push(id);
      done();
    };
    await Promise.all([1, 2, 3, 4, 5].map(request));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([6, 7].map(request));
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('lets the loop take in other work between slices of a burst', async () => {
    const sliceMs = 4;
    const takeTurn = takingTurns(sliceMs);
    let started = 0;
    const perLoopTurn: number[] = [];
    let probing = true;
    let lastCount = 0;
    // Stands for the connector emulator's requests: work that needs a turn of the loop to be heard.
    const probe = () => {
      perLoopTurn.push(started - lastCount);
      lastCount = started;
      if (probing) setImmediate(probe);
    };
    setImmediate(probe);
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const done = await takeTurn();
        started += 1;
        busy(2);
        done();
      }),
    );
    probing = false;
    expect(started).toBe(40);
    // Answered back to back, all 40 (80 ms) would run between two turns of the loop; in slices, a few at a time.
    expect(Math.max(...perLoopTurn)).toBeLessThanOrEqual(Math.ceil(sliceMs / 2) + 1);
  });

  it('lets the others go while one request waits for I/O', async () => {
    const takeTurn = takingTurns();
    const finished: string[] = [];
    const slow = (async () => {
      const done = await takeTurn();
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished.push('slow');
      } finally {
        done();
      }
    })();
    const quick = ['a', 'b', 'c'].map(async (id) => {
      const done = await takeTurn();
      finished.push(id);
      done();
    });
    await Promise.all([slow, ...quick]);
    expect(finished).toEqual(['a', 'b', 'c', 'slow']);
  });
});
