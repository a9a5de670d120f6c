// The queueing sliding-window limiter as a pure unit, on a virtual clock: window caps, pacing, calls that do not wait.

import { describe, expect, it } from 'vitest';
import { type Clock, reservedWindow, SlidingWindowLimiter } from '../../src/directory/rate-limiter.js';

class VirtualClock implements Clock {
  time = 5_000_000;
  /** How late each wake-up is (a busy event loop): none unless a test says. */
  lateness: () => number = () => 0;
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms + this.lateness();
  }
}

/** A repeatable 0..1 sequence (a test that failed can be run again with the same draws). */
function draws(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
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

  it('a reserved window keeps the reserve as a margin in time: R + 1 grants never inside a second and the margin, even with late wake-ups', async () => {
    const clock = new VirtualClock();
    const random = draws(7);
    // Most wake-ups on time, one in ten up to 40 ms late (a garbage collection, a page of targeting).
    clock.lateness = () => (random() < 0.1 ? random() * 40 : random());
    const window = reservedWindow(30, 0.035);
    expect(window.limit).toBe(30);
    expect(window.windowMs).toBeCloseTo(1_036.27, 1);
    const limiter = new SlidingWindowLimiter([window], clock, { burst: 2 });
    const start = clock.now();
    const times = await grants(limiter, clock, 600);
    // Teams counts 30 in a second: a 31st request needs 31 grants squeezed into 1 s, more than 36 ms closer than sent.
    expect(busiestWindow(times, window.windowMs)).toBeLessThanOrEqual(30);
    // The rate is the reserved one, fraction kept (28.95 a second, not rounded down to 28), late wake-ups caught up.
    const perSecond = ((times.length - 1) * 1_000) / ((times.at(-1) ?? start) - start);
    expect(perSecond).toBeGreaterThan(28.5);
    expect(perSecond).toBeLessThanOrEqual(28.95 + 0.01);
  });

  it('reservedWindow refuses a rate or reserve that makes no sense', () => {
    expect(reservedWindow(30, 0)).toEqual({ limit: 30, windowMs: 1_000 });
    expect(() => reservedWindow(0, 0.05)).toThrow();
    expect(() => reservedWindow(30, 1)).toThrow();
    expect(() => reservedWindow(30, -0.1)).toThrow();
  });
});

describe('SlidingWindowLimiter pressure (what a sender sizes its messages in flight by)', () => {
  /** Paced at 10 a second, one at a time: a grant every 100 ms. */
  function paced(clock: VirtualClock): SlidingWindowLimiter {
    return new SlidingWindowLimiter([{ limit: 10, windowMs: 1_000 }], clock, { burst: 1 });
  }

  it('adds up the queue: callers waiting × the time they wait', async () => {
    const clock = new VirtualClock();
    const limiter = paced(clock);
    expect(limiter.grantSpacingMs).toBe(100);
    const before = limiter.pressure();
    await grants(limiter, clock, 5);
    const after = limiter.pressure();
    // Five at once: four wait 100 ms, three another 100, two, one.
    expect(after.queuedMs - before.queuedMs).toBe((4 + 3 + 2 + 1) * 100);
    expect(after.at - before.at).toBe(400);
    expect(after.idleMs - before.idleMs).toBe(0);
  });

  it('counts capacity unused only from when the next grant was due, never while it holds callers back', async () => {
    const clock = new VirtualClock();
    const limiter = paced(clock);
    await grants(limiter, clock, 3);
    const busy = limiter.pressure();
    // The last grant went at +200 ms; the next was due at +300: the 1 000 ms that follow waste 900.
    clock.time += 1_000;
    expect(limiter.pressure().idleMs - busy.idleMs).toBe(900);
    // Read twice, not counted twice.
    expect(limiter.pressure().idleMs - busy.idleMs).toBe(900);
    await grants(limiter, clock, 1);
    expect(limiter.pressure().idleMs - busy.idleMs).toBe(900);
  });

  it('a call that did not wait (a reply) uses the capacity it took; a Retry-After is no unused capacity', async () => {
    const clock = new VirtualClock();
    const limiter = paced(clock);
    const start = limiter.pressure();
    clock.time += 500;
    limiter.record();
    // Idle from the start to the reply; after it, the next grant is not due for 100 ms.
    expect(limiter.pressure().idleMs - start.idleMs).toBe(500);
    clock.time += 50;
    expect(limiter.pressure().idleMs - start.idleMs).toBe(500);
    limiter.blockFor(2_000);
    clock.time += 1_000;
    expect(limiter.pressure().idleMs - start.idleMs).toBe(500);
    clock.time += 1_500;
    expect(limiter.pressure().idleMs - start.idleMs).toBe(1_000);
  });
});
