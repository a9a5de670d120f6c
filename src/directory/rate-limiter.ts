// A sliding-window limiter whose callers queue in order: used for Graph's throttle buckets, whose limits are per app per tenant.

export interface Clock {
  now(): number;
  /** Resolves after `ms`; tests drive it with fake timers. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export class SlidingWindowLimiter {
  readonly #limits: readonly WindowLimit[];
  readonly #clock: Clock;
  /** Start times of recent grants, oldest first; long enough for the widest window. */
  readonly #granted: number[] = [];
  /** Callers wait on one chain, so grants come out in arrival order. */
  #tail: Promise<void> = Promise.resolve();
  #blockedUntil = 0;

  constructor(limits: readonly WindowLimit[], clock: Clock = systemClock) {
    if (limits.length === 0 || limits.some((l) => l.limit < 1 || l.windowMs < 1)) throw new Error('SlidingWindowLimiter needs positive limits');
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Waits for a slot in every window, then records the grant. */
  acquire(): Promise<void> {
    const turn = this.#tail.then(() => this.#waitForSlot());
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  /** The server said "not before": every caller waits at least until then (a 429's Retry-After). */
  blockUntil(instant: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, instant);
  }

  /** Grants inside the widest window, for diagnostics and benchmarks. */
  inFlightWindow(): number {
    this.#prune(this.#clock.now());
    return this.#granted.length;
  }

  async #waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#prune(now);
      const wait = Math.max(this.#blockedUntil - now, ...this.#limits.map((limit) => this.#waitFor(limit, now)));
      if (wait <= 0) {
        this.#granted.push(now);
        return;
      }
      await this.#clock.sleep(wait);
    }
  }

  #waitFor({ limit, windowMs }: WindowLimit, now: number): number {
    const inWindow = this.#granted.filter((at) => at > now - windowMs);
    if (inWindow.length < limit) return 0;
    // The oldest grant that must leave the window before one more fits.
    const oldest = inWindow[inWindow.length - limit] ?? now;
    return oldest + windowMs - now + 1;
  }

  #prune(now: number): void {
    const widest = Math.max(...this.#limits.map((l) => l.windowMs));
    while (this.#granted.length > 0 && (this.#granted[0] ?? 0) <= now - widest) this.#granted.shift();
  }
}
