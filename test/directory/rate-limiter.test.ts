// The queueing sliding-window limiter as a pure unit, on a virtual clock: window caps, pacing, calls that do not wait.

import { describe, expect, it } from 'vitest';
import { type Clock, SlidingWindowLimiter } from '../../src/directory/rate-limiter.js';

class VirtualClock implements Clock {
  time = 5_000_000;
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
  }
}

/** Grant times of `count` callers queued at once. */
async function grants(limiter: SlidingWindowLimiter, clock: VirtualClock, count: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(Array.from({ length: count }, () => limiter.acquire().then(() => times.push(clock.now()))));
  return times.sort((a, b) => a - b);
}

/** The most grants inside any window of `windowMs` (arrivals as the service would count them). */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const [index, start] of times.entries()) most = Math.max(most, times.slice(index).filter((at) => at < start + windowMs).length);
  return most;
}

describe('SlidingWindowLimiter', () => {
  it('lets a window’s worth out at once and then waits for the window to slide', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const times = await grants(new SlidingWindowLimiter([{ limit: 10, windowMs: 1_000 }], clock), clock, 25);
    expect(times.filter((at) => at === start)).toHaveLength(10);
    expect(busiestWindow(times, 1_000)).toBe(10);
  });

  it('paced: spreads the same rate evenly, so no burst leaves together', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const times = await grants(new SlidingWindowLimiter([{ limit: 10, windowMs: 1_000 }], clock, { burst: 1 }), clock, 25);
    const gaps = times.slice(1).map((at, index) => at - (times[index] ?? at));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(busiestWindow(times, 1_000)).toBe(10);
    // Still the full rate: 25 grants in 2.4 s (give or take the millisecond the window adds at its edge).
    expect((times.at(-1) ?? 0) - start).toBeGreaterThanOrEqual(2_400);
    expect((times.at(-1) ?? 0) - start).toBeLessThan(2_410);
  });

  it('paced with a burst: a few may go together after a pause, never more than the window allows', async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter([{ limit: 10, windowMs: 1_000 }], clock, { burst: 3 });
    const start = clock.now();
    const first = await grants(limiter, clock, 3);
    expect(first).toEqual([start, start, start]);
    clock.time += 5_000;
    const later = await grants(limiter, clock, 30);
    expect(later.filter((at) => at === later[0])).toHaveLength(3);
    expect(busiestWindow(later, 1_000)).toBeLessThanOrEqual(10);
  });

  it('counts calls that did not wait (replies to people chatting), so waiting callers leave room for them', async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter([{ limit: 10, windowMs: 1_000 }], clock);
    const start = clock.now();
    for (let index = 0; index < 4; index++) limiter.record();
    const times = await grants(limiter, clock, 10);
    expect(times.filter((at) => at === start)).toHaveLength(6);
    expect(times.filter((at) => at > start)).toHaveLength(4);
  });

  it('holds everyone back until a Retry-After has passed', async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter([{ limit: 10, windowMs: 1_000 }], clock, { burst: 2 });
    const start = clock.now();
    limiter.blockFor(3_000);
    expect(await grants(limiter, clock, 1)).toEqual([start + 3_000]);
  });

  it('refuses limits and bursts that make no sense', () => {
    expect(() => new SlidingWindowLimiter([])).toThrow();
    expect(() => new SlidingWindowLimiter([{ limit: 0, windowMs: 1_000 }])).toThrow();
    expect(() => new SlidingWindowLimiter([{ limit: 5, windowMs: 1_000 }], undefined, { burst: 0 })).toThrow();
  });
});
