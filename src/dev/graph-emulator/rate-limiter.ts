// Graph's per-app-per-tenant throttles as the emulator enforces them: one window per throttled route, on an injected clock.

import { type RateWindow, retryAfterSeconds, SlidingWindowCounter } from '../../shared/sliding-window.js';

export type WindowLimit = RateWindow;

export class AppThrottle {
  readonly #counter: SlidingWindowCounter;

  constructor(
    readonly rule: WindowLimit,
    now: () => number,
  ) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new Error(`a throttle limit must be a positive integer (got ${rule.limit})`);
    if (!(rule.windowMs > 0)) throw new Error(`a throttle window must be positive (got ${rule.windowMs} ms)`);
    this.#counter = new SlidingWindowCounter(now);
  }

  /** Counts the app's request and returns 0, or returns the whole seconds to wait (the request is not counted). */
  take(appId: string): number {
    const decision = this.#counter.tryAcquire([{ key: appId, windows: [this.rule] }]);
    return decision.allowed ? 0 : retryAfterSeconds(decision.retryAfterMs);
  }

  reset(): void {
    this.#counter.reset();
  }
}
