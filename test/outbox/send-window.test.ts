// The sender's window as a pure unit, on readings written by hand: it follows Little's law (rate × time per message),
// grows when the rate went unused for want of room, shrinks towards what is needed plus a small reserve when a queue
// builds at the limiter, and stays between 2 and its bound.

import { describe, expect, it } from 'vitest';
import type { LimiterPressure } from '../../src/directory/rate-limiter.js';
import { type RatePressure, SendWindow } from '../../src/outbox/send-window.js';

/** A limiter whose readings the test writes: 20 grants a second (a reserve of 250 ms is 5 callers). */
class Readings implements RatePressure {
  readonly grantSpacingMs = 50;
  reading: LimiterPressure = { at: 0, queuedMs: 0, idleMs: 0 };
  pressure(): LimiterPressure {
    return { ...this.reading };
  }
}

/**
 * One period of 1 s with `inFlight` messages in flight throughout, `queued` of them waiting at the limiter on average,
 * and `idleShare` of the limiter's time unused; `limited` if the sender had more to send than the window let it take.
 */
function period(window: SendWindow, limiter: Readings, { inFlight, queued, idleShare, limited }: { inFlight: number; queued: number; idleShare: number; limited: boolean }): number {
  window.moved(inFlight);
  if (limited) window.full();
  const { at, queuedMs, idleMs } = limiter.reading;
  limiter.reading = { at: at + 1_000, queuedMs: queuedMs + queued * 1_000, idleMs: idleMs + idleShare * 1_000 };
  window.check();
  return window.size;
}

describe('SendWindow', () => {
  it('starts at 8, within its bounds', () => {
    expect(new SendWindow({ pressure: new Readings(), max: 64 }).size).toBe(8);
    expect(new SendWindow({ pressure: new Readings(), max: 4 }).size).toBe(4);
    expect(new SendWindow({ pressure: new Readings(), max: 64, initial: 1 }).size).toBe(2);
    expect(() => new SendWindow({ pressure: new Readings(), max: 0 })).toThrow();
  });

  it('grows by the rate it missed when the limiter went unused while more was waiting to go', () => {
    const limiter = new Readings();
    const window = new SendWindow({ pressure: limiter, max: 64 });
    // Eight in flight, none waiting at the limiter, which was idle 60 % of the time: the same time per message needs
    // 8 / 0.4 = 20 elsewhere, plus the reserve of 5 waiting, plus the 7 slots that may stand free while the sender waits
    // to take 8 rows together.
    expect(period(window, limiter, { inFlight: 8, queued: 0, idleShare: 0.6, limited: true })).toBe(32);
  });

  it('grows at most fourfold a period, and never past its bound', () => {
    const limiter = new Readings();
    const window = new SendWindow({ pressure: limiter, max: 64 });
    expect(period(window, limiter, { inFlight: 8, queued: 0, idleShare: 0.99, limited: true })).toBe(32);
    expect(period(window, limiter, { inFlight: 32, queued: 0, idleShare: 0.99, limited: true })).toBe(64);
    expect(period(window, limiter, { inFlight: 64, queued: 0, idleShare: 0.99, limited: true })).toBe(64);
  });

  it('grows by one at least when starved, even if the measure says it needs no more', () => {
    const limiter = new Readings();
    const window = new SendWindow({ pressure: limiter, max: 64, initial: 20 });
    expect(period(window, limiter, { inFlight: 3, queued: 0, idleShare: 0.1, limited: true })).toBe(21);
  });

  it('does not grow when the limiter was idle only because there was nothing more to send', () => {
    const limiter = new Readings();
    const window = new SendWindow({ pressure: limiter, max: 64 });
    expect(period(window, limiter, { inFlight: 2, queued: 0, idleShare: 0.9, limited: false })).toBe(8);
    // Nor when the queue says it needs more, but nothing more was waiting to go.
    expect(period(window, limiter, { inFlight: 8, queued: 0, idleShare: 0, limited: false })).toBe(8);
  });

  it('shrinks towards what the rate needs plus the reserve once a queue builds at the limiter, a quarter at a time', () => {
    const limiter = new Readings();
    const window = new SendWindow({ pressure: limiter, max: 64, initial: 40 });
    // 40 in flight, 30 of them waiting at the limiter: 10 keep the rate busy; with the reserve, 15 must stay in flight
    // even while 7 slots wait to be filled together: 22 are enough.
    const sizes = [1, 2, 3, 4, 5].map(() => period(window, limiter, { inFlight: window.size, queued: window.size - 10, idleShare: 0, limited: true }));
    expect(sizes).toEqual([30, 22, 22, 22, 22]);
  });

  it('never goes below two, however fast messages go', () => {
    const limiter = new Readings();
    const window = new SendWindow({ pressure: limiter, max: 64, reserveMs: 0 });
    for (let i = 0; i < 10; i += 1) period(window, limiter, { inFlight: window.size, queued: window.size, idleShare: 0, limited: true });
    expect(window.size).toBe(2);
  });

  it('waits for a whole period before it follows, and a restart forgets what was measured', () => {
    const limiter = new Readings();
    const window = new SendWindow({ pressure: limiter, max: 64 });
    window.moved(8);
    window.full();
    limiter.reading = { at: 900, queuedMs: 0, idleMs: 800 };
    window.check();
    expect(window.size).toBe(8);
    // The starved 900 ms were measured while sending was held: forgotten. The next full second: 4 of the 8 waiting at
    // the limiter, 4 elsewhere; with the reserve 9 must stay in flight while 7 slots wait to be filled together.
    window.restart();
    window.full();
    limiter.reading = { at: 1_900, queuedMs: 4_000, idleMs: 800 };
    window.check();
    expect(window.size).toBe(16);
  });
});
