// Runs the campaign's scheduled work (targeting, the daily reminder wave, the end) every minute and on demand, on
// one instance at a time: a store lease, renewed while a long run (100 000 people) is under way.

import type { Logger } from '../logging/logger.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { Lease, Store } from '../store/store-port.js';

export const SCHEDULER_LEASE = 'campaign-scheduler';

export interface SchedulerOptions {
  work: (now: Date) => Promise<void>;
  store: Store;
  instanceId: string;
  background: BackgroundWork;
  logger: Logger;
  intervalMs?: number;
  leaseMs?: number;
}

export class CampaignScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.kick();
    this.#timer = setInterval(() => this.kick(), this.options.intervalMs ?? 60_000);
    this.#timer.unref();
  }

  /** Runs now, or right after the run in progress. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.options.background.run('campaign-scheduler', async () => {
      do {
        this.#again = false;
        this.#running = this.runOnce();
        try {
          await this.#running;
        } finally {
          this.#running = undefined;
        }
      } while (this.#again && !this.#stopped);
    });
  }

  /** One run under the lease; returns without doing anything when another instance holds it. */
  async runOnce(now?: Date): Promise<void> {
    const { store, instanceId, logger } = this.options;
    const leaseMs = this.options.leaseMs ?? 120_000;
    let lease: Lease | undefined = await store.acquireLease(SCHEDULER_LEASE, instanceId, leaseMs);
    if (!lease) return;
    const renewal = setInterval(async () => {
      if (!lease) return;
      try {
        lease = await store.renewLease(lease, leaseMs);
      } catch (error) {
        logger.warn('lost the campaign scheduler lease during a run', { error });
        lease = undefined;
      }
    }, leaseMs / 3);
    renewal.unref();
    try {
      await this.options.work(now ?? new Date());
    } finally {
      clearInterval(renewal);
      if (lease) await store.releaseLease(lease).catch(() => undefined);
    }
  }

  /**
   * No new runs; the one in progress is awaited until `deadline` at most. A run can be waiting out Graph's report
   * throttle for seconds: it is left behind rather than let past the shutdown budget (its work is idempotent, and the
   * next start does it again).
   */
  async stop(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    const running = this.#running?.catch(() => undefined);
    if (!running || deadline === Number.POSITIVE_INFINITY) return running;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([running, late]);
    clearTimeout(timer);
  }
}
