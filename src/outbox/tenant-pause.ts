// Answers that refuse the whole tenant (Teams refusing the bot's credentials with a 401, or saying a Teams admin
// blocked the app) pause every send instead of re-queuing rows forever: the admins and the log are told, one row at a
// time probes at growing intervals, and the first message that gets through resumes sending.

import type { Dispatch } from './circuit-breaker.js';

/** Teams' code for an app a tenant admin has blocked (for everyone, or by a policy for some people). */
export const BLOCKED_BY_ADMIN = 'BotDisabledByAdmin';

export interface TenantPauseOptions {
  /** Different people refused in a row, with no message getting through in between, that pause sending. */
  refusalsToPause: number;
  firstProbeDelayMs: number;
  maxProbeDelayMs: number;
  now: () => number;
}

export const DEFAULT_TENANT_PAUSE: Omit<TenantPauseOptions, 'now'> = { refusalsToPause: 3, firstProbeDelayMs: 10_000, maxProbeDelayMs: 60_000 };

/** Refusals in a row of one person, while the tenant is not paused, after which an admin's block is taken as theirs. */
const PERSONAL_REFUSALS = 3;

export interface PauseInfo {
  /** ISO instant sending paused. */
  since: string;
  /** Teams' status and code, e.g. `401` or `403 BotDisabledByAdmin`. */
  code: string;
  /** What Teams said, in our words. */
  reason: string;
}

export interface TenantPauseEvents {
  paused?(info: PauseInfo): void;
  resumed?(info: PauseInfo, pausedMs: number): void;
}

export class TenantPause {
  readonly #options: TenantPauseOptions;
  /** People refused since the last message that got through. */
  readonly #refused = new Set<string>();
  #lastDeliveredAt = 0;
  #pause: { info: PauseInfo; at: number; probeAt: number; probeDelay: number } | undefined;

  constructor(
    options: Partial<TenantPauseOptions> = {},
    private readonly events: TenantPauseEvents = {},
  ) {
    this.#options = { ...DEFAULT_TENANT_PAUSE, now: Date.now, ...options };
  }

  /** Paused now: since when and why. */
  current(): PauseInfo | undefined {
    return this.#pause?.info;
  }

  /** Teams refused a message to `userId` for a reason that holds for the whole tenant. */
  refused(userId: string, code: string, reason: string): void {
    const now = this.#options.now();
    const pause = this.#pause;
    if (pause) {
      // A probe refused again (rows already in flight when it paused are not probes): wait longer before the next.
      if (now < pause.probeAt) return;
      pause.probeDelay = Math.min(this.#options.maxProbeDelayMs, pause.probeDelay * 2);
      pause.probeAt = now + pause.probeDelay;
      return;
    }
    this.#refused.add(userId);
    if (this.#refused.size < this.#options.refusalsToPause) return;
    const info: PauseInfo = { since: new Date(now).toISOString(), code, reason };
    this.#pause = { info, at: now, probeAt: now + this.#options.firstProbeDelayMs, probeDelay: this.#options.firstProbeDelayMs };
    this.events.paused?.(info);
  }

  /** A message got through: whatever paused sending is over. */
  delivered(): void {
    const now = this.#options.now();
    this.#lastDeliveredAt = now;
    this.#refused.clear();
    const pause = this.#pause;
    if (!pause) return;
    this.#pause = undefined;
    this.events.resumed?.(pause.info, now - pause.at);
  }

  /** When to try this row again: the next probe while paused, else after `backoffMs`. */
  retryAt(backoffMs: number): number {
    return this.#pause ? this.#pause.probeAt : this.#options.now() + backoffMs;
  }

  /**
   * An admin can block the app for some people only (a permission policy): Teams has refused this person with the
   * same code twice in a row before (`streak`), sending is not paused (a whole tenant refused pauses after three
   * people, long before one row is refused three times), and messages have got through. Then it is this person's
   * block, and the row ends like any other person Teams cannot reach.
   */
  personal(code: string, last: { code?: string; streak?: number }): boolean {
    if (!code.includes(BLOCKED_BY_ADMIN) || this.#pause || last.code !== code) return false;
    return (last.streak ?? 0) + 1 >= PERSONAL_REFUSALS && this.#lastDeliveredAt > 0;
  }

  dispatch(): Dispatch {
    const pause = this.#pause;
    if (!pause) return { mode: 'all' };
    return this.#options.now() >= pause.probeAt ? { mode: 'one' } : { mode: 'none', until: pause.probeAt };
  }
}
