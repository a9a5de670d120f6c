// The sliding-window limiter and the documented defaults, as pure units against a hand-moved clock.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTOR_LIMITS, messageBytes, resolveLimits } from '../../../src/dev/connector-emulator/limits.js';
import { retryAfterSeconds, SlidingWindowCounter } from '../../../src/shared/sliding-window.js';

function clock(start = 0) {
  let time = start;
  return { now: () => time, set: (value: number) => (time = value) };
}

describe('DEFAULT_CONNECTOR_LIMITS', () => {
  it("holds Teams' documented per-conversation windows and the stricter tenant rate", () => {
    expect(DEFAULT_CONNECTOR_LIMITS.perConversationSend).toEqual([
      { limit: 7, windowMs: 1000 },
      { limit: 8, windowMs: 2000 },
      { limit: 60, windowMs: 30_000 },
      { limit: 1800, windowMs: 3_600_000 },
    ]);
    expect(DEFAULT_CONNECTOR_LIMITS.perTenant).toEqual([{ limit: 30, windowMs: 1000 }]);
    expect(DEFAULT_CONNECTOR_LIMITS.maxMessageBytes).toBe(40 * 1024);
  });

  it('overrides replace one kind of limit and keep the others; nonsense is refused', () => {
    const limits = resolveLimits({ perTenant: [{ limit: 50, windowMs: 1000 }] });
    expect(limits.perTenant).toEqual([{ limit: 50, windowMs: 1000 }]);
    expect(limits.perConversationSend).toBe(DEFAULT_CONNECTOR_LIMITS.perConversationSend);
    expect(() => resolveLimits({ perTenant: [{ limit: 0, windowMs: 1000 }] })).toThrow(/positive integer limit/);
    expect(() => resolveLimits({ perConversationSend: [{ limit: 5, windowMs: -1 }] })).toThrow(/positive windowMs/);
  });
});

describe('SlidingWindowCounter', () => {
  const hour = { key: 'chat', windows: [{ limit: 1800, windowMs: 3_600_000 }] };

  it('admits 1800 in an hour, refuses the 1801st until the first leaves the window', () => {
    const time = clock();
    const limiter = new SlidingWindowCounter(time.now);
    for (let i = 0; i < 1800; i++) {
      time.set(i * 1000);
      expect(limiter.tryAcquire([hour]).allowed).toBe(true);
    }
    time.set(1800 * 1000);
    expect(limiter.tryAcquire([hour])).toMatchObject({ allowed: false, retryAfterMs: 1_800_000, bucket: 'chat' });
    time.set(3_600_000 - 1);
    expect(limiter.tryAcquire([hour])).toMatchObject({ allowed: false, retryAfterMs: 1 });
    time.set(3_600_000);
    expect(limiter.tryAcquire([hour]).allowed).toBe(true);
  });

  it('counts a request in every bucket or in none', () => {
    const time = clock();
    const limiter = new SlidingWindowCounter(time.now);
    const tight = { key: 'tight', windows: [{ limit: 1, windowMs: 1000 }] };
    const loose = { key: 'loose', windows: [{ limit: 2, windowMs: 1000 }] };
    expect(limiter.tryAcquire([tight, loose]).allowed).toBe(true);
    expect(limiter.tryAcquire([tight, loose]).allowed).toBe(false);
    // The refusal above did not use up loose's second place.
    expect(limiter.tryAcquire([loose]).allowed).toBe(true);
    expect(limiter.tryAcquire([loose]).allowed).toBe(false);
  });

  it('reports the longest wait when several windows are full', () => {
    const time = clock();
    const limiter = new SlidingWindowCounter(time.now);
    const both = { key: 'c', windows: [{ limit: 2, windowMs: 1000 }, { limit: 3, windowMs: 10_000 }] };
    limiter.tryAcquire([both]);
    limiter.tryAcquire([both]);
    time.set(1000);
    limiter.tryAcquire([both]);
    time.set(1500);
    // The 1 s window has room; the 10 s window is full until t = 10 s.
    expect(limiter.tryAcquire([both])).toMatchObject({ allowed: false, retryAfterMs: 8500, window: { limit: 3, windowMs: 10_000 } });
  });
});

describe('retryAfterSeconds and messageBytes', () => {
  it('rounds waits up to whole seconds, never below one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(0)).toBe(1);
  });

  it('counts UTF-16 bytes of the JSON and leaves base64 images out, as Teams does', () => {
    const text = { type: 'message', text: 'abc' };
    expect(messageBytes(text)).toBe(JSON.stringify(text).length * 2);
    const withImage = { type: 'message', attachments: [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${'A'.repeat(100_000)}` }] };
    expect(messageBytes(withImage)).toBeLessThan(200);
  });
});
