// A sliding-window limiter whose callers queue in order: used for Graph's throttle buckets, whose limits are per app per tenant.

import { type RateWindow, SlidingWindowCounter, type WindowBucket } from '../shared/sliding-window.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; tests drive it with fake timers. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Elapsed time only, never the wall clock: a limiter on it is not fooled by a clock change (or a test's fake Date). */
export const monotonicClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PacingOptions {
  /**
   * Spreads grants evenly at the tightest limit's rate instead of letting a window's worth out at once: the service
   * counts arrivals, and a burst that leaves together can arrive inside its previous window after any delay on the
   * way. `burst`: how many grants may still go together after a pause (1: never more than one at a time).
   */
  burst: number;
}

/**
 * The window for callers that must leave `reserveShare` of a service's `perSecond` limit free: the service's own count
 * over a second lengthened by the reserve (30 a second less 3.5 % is 30 in any 1 036 ms), not a smaller count over a
 * second. Both pace at the same rate, but this one keeps R + 1 grants more than the margin apart, so a send that
 * lingers on the way cannot land a 31st request in Teams' second; and it keeps the fraction (28.95 a second is not
 * rounded down to 28).
 */
export function reservedWindow(perSecond: number, reserveShare: number): RateWindow {
  if (!(perSecond >= 1) || !(reserveShare >= 0 && reserveShare < 1)) throw new Error('reservedWindow needs a rate of at least 1 and a reserve from 0 to below 1');
  return { limit: Math.floor(perSecond), windowMs: 1_000 / (1 - reserveShare) };
}

/**
 * How busy a limiter has been since it was made, in its clock's milliseconds: the area under its queue (callers
 * waiting × time) and the time it could have granted but nobody asked. Two readings apart give the average queue and
 * the share of its rate left unused in between (what a sender needs to size the work it keeps in flight).
 */
export interface LimiterPressure {
  at: number;
  queuedMs: number;
  idleMs: number;
}

export class SlidingWindowLimiter {
  /** One bucket: this limiter's grants against all its windows (a limit of 2.5 lets 2 through). */
  readonly #grants: readonly WindowBucket[];
  readonly #counter: SlidingWindowCounter;
  readonly #clock: Clock;
  /**
   * Milliseconds between grants at the tightest limit's full rate; between paced grants (0: not paced); how far ahead
   * of that a grant may go.
   */
  readonly #fullRateSpacingMs: number;
  readonly #spacingMs: number;
  readonly #toleranceMs: number;
  /** Paced: when the next grant is due ("theoretical arrival time"). */
  #nextDue = 0;
  /** Callers wait on one chain, so grants come out in arrival order. */
  #tail: Promise<void> = Promise.resolve();
  #blockedUntil = 0;
  /** Callers waiting now, the area under that count, when it last changed, and grants that could have gone unasked. */
  #waiting = 0;
  #queuedMs = 0;
  #countedTo: number;
  #idleMs = 0;
  /** Since when nobody waits; idle time counts from here or from when the next grant was due, whichever is later. */
  #emptySince: number;

  constructor(limits: readonly RateWindow[], clock: Clock = systemClock, pacing?: PacingOptions) {
    if (limits.length === 0 || limits.some((l) => l.limit < 1 || l.windowMs < 1)) throw new Error('SlidingWindowLimiter needs positive limits');
    if (pacing && !(pacing.burst >= 1)) throw new Error('SlidingWindowLimiter pacing needs a burst of at least 1');
    this.#grants = [{ key: 'grants', windows: limits.map((l) => ({ limit: Math.floor(l.limit), windowMs: l.windowMs })) }];
    this.#counter = new SlidingWindowCounter(() => clock.now());
    this.#clock = clock;
    this.#fullRateSpacingMs = Math.max(...limits.map((l) => l.windowMs / l.limit));
    this.#spacingMs = pacing ? this.#fullRateSpacingMs : 0;
    this.#toleranceMs = pacing ? this.#spacingMs * (pacing.burst - 1) : 0;
    this.#countedTo = this.#emptySince = clock.now();
  }

  /** Milliseconds between grants at the tightest limit's full rate. */
  get grantSpacingMs(): number {
    return this.#fullRateSpacingMs;
  }

  /** Waits for a slot in every window, then records the grant. */
  acquire(): Promise<void> {
    this.#arrive(this.#clock.now());
    const turn = this.#tail.then(() => this.#waitForSlot());
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  /** A call made without waiting (a reply to someone chatting): counted, so the callers that wait leave room for it. */
  record(): void {
    const now = this.#clock.now();
    // It used capacity that would otherwise have gone unused: the idle stretch ends here, as if a caller came.
    if (this.#waiting === 0) {
      this.#arrive(now);
      this.#leave(now);
    }
    this.#grant(now);
  }

  /** The queue's area and the unused capacity up to now (see LimiterPressure). */
  pressure(): LimiterPressure {
    const now = this.#clock.now();
    this.#count(now);
    if (this.#waiting === 0) {
      this.#idleMs += Math.max(0, now - this.#idleFrom());
      this.#emptySince = now;
    }
    return { at: now, queuedMs: this.#queuedMs, idleMs: this.#idleMs };
  }

  /** The server said "not before": every caller waits at least `ms` from now (a 429's Retry-After). */
  blockFor(ms: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#clock.now() + ms);
  }

  /** Grants inside the widest window, for diagnostics and benchmarks. */
  inFlightWindow(): number {
    return this.#counter.count(this.#grants[0] as WindowBucket);
  }

  async #waitForSlot(): Promise<void> {
    try {
      for (;;) {
        const now = this.#clock.now();
        const paced = this.#spacingMs > 0 ? this.#nextDue - this.#toleranceMs - now : 0;
        const room = this.#counter.waitMs(this.#grants, now);
        // A millisecond past the window's edge, so the grant lands after the one it replaces has left.
        const wait = Math.max(this.#blockedUntil - now, paced, room > 0 ? room + 1 : 0);
        if (wait <= 0) {
          this.#grant(now);
          return;
        }
        await this.#clock.sleep(wait);
      }
    } finally {
      this.#leave(this.#clock.now());
    }
  }

  /** A caller starts waiting: if nobody was, the capacity since the next grant was due went unused. */
  #arrive(now: number): void {
    this.#count(now);
    if (this.#waiting === 0) this.#idleMs += Math.max(0, now - this.#idleFrom());
    this.#waiting += 1;
  }

  #leave(now: number): void {
    this.#count(now);
    this.#waiting -= 1;
    if (this.#waiting === 0) this.#emptySince = now;
  }

  /**
   * From when an empty queue wastes capacity: not before the next paced grant is due (until then, pacing would have
   * held a caller anyway; the burst allowance catches up a little beyond it, so this errs towards "unused") nor while
   * the service said to wait.
   */
  #idleFrom(): number {
    return Math.max(this.#emptySince, this.#nextDue, this.#blockedUntil);
  }

  #count(now: number): void {
    if (now > this.#countedTo) {
      this.#queuedMs += this.#waiting * (now - this.#countedTo);
      this.#countedTo = now;
    }
  }

  #grant(now: number): void {
    this.#counter.record(this.#grants, now);
    if (this.#spacingMs > 0) this.#nextDue = Math.max(this.#nextDue, now) + this.#spacingMs;
  }
}
