// A sliding-window limiter on an injected clock, for Graph's per-app-per-tenant throttles.

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly rule: WindowLimit,
    private readonly now: () => number,
  ) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new Error(`a throttle limit must be a positive integer (got ${rule.limit})`);
    if (!(rule.windowMs > 0)) throw new Error(`a throttle window must be positive (got ${rule.windowMs} ms)`);
  }

  /** Counts the request and returns 0, or returns the whole seconds to wait (the request is not counted). */
  take(key: string): number {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((at) => at > now - this.rule.windowMs);
    if (recent.length >= this.rule.limit) {
      this.hits.set(key, recent);
      const oldest = recent[recent.length - this.rule.limit] ?? now;
      return Math.max(1, Math.ceil((oldest + this.rule.windowMs - now) / 1000));
    }
    recent.push(now);
    this.hits.set(key, recent);
    return 0;
  }

  reset(): void {
    this.hits.clear();
  }
}
