// Runs the scheduled work (campaign targeting and waves, escalation reminders, pass expiry) every minute and on
// demand, on one instance at a time: a short store lease, renewed while a run is under way (100 000 people take a
// while), so when its holder dies another instance takes over within half a minute. A run that loses its lease is
// told to stop (its signal aborts); a failure is logged and tried again after a back-off; nothing here throws.

import type { Logger } from '../logging/logger.js';
import { Backoff } from '../shared/backoff.js';
import type { BackgroundWork } from '../shared/background-work.js';
import { HeldLease } from '../store/held-lease.js';
import type { Store } from '../store/store-port.js';

export const SCHEDULER_LEASE = 'campaign-scheduler';
/** Short, and renewed every third of it: a dead holder's work is picked up within LEASE + LEASE / 2. */
export const SCHEDULER_LEASE_MS = 15_000;

export interface SchedulerOptions {
  /** One run; it should stop soon after `signal` aborts (the lease was lost, or the service is stopping). */
  work: (now: Date, signal: AbortSignal) => Promise<void>;
  store: Store;
  instanceId: string;
  background: BackgroundWork;
  logger: Logger;
  intervalMs?: number;
  leaseMs?: number;
}

export type RunOutcome = 'ran' | 'held-elsewhere' | 'failed' | 'stopped';

export class CampaignScheduler {
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lease: HeldLease | undefined;
  #again = false;
  #stopped = false;
  readonly #backoff = new Backoff(5_000, 60_000);

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
        this.#running = this.runOnce().then(() => undefined);
        try {
          await this.#running;
        } finally {
          this.#running = undefined;
        }
      } while (this.#again && !this.#stopped);
    });
  }

  /**
   * One run under the lease (also after `stop`: tests drive runs by hand); does nothing when another instance holds it,
   * and then looks again once that lease could have lapsed.
   */
  async runOnce(now?: Date): Promise<RunOutcome> {
    const { store, instanceId, logger } = this.options;
    const leaseMs = this.options.leaseMs ?? SCHEDULER_LEASE_MS;
    let lease: HeldLease | undefined;
    try {
      lease = await HeldLease.take({ store, name: SCHEDULER_LEASE, holder: instanceId, durationMs: leaseMs, logger });
    } catch (error) {
      const waitMs = this.#backoff.next();
      logger.warn('could not reach the store to take the scheduler lease; trying again', { error, retryInMs: waitMs });
      this.#retryIn(waitMs);
      return 'failed';
    }
    if (!lease) {
      // Held by another instance: if it died, its lease lapses within leaseMs, and this one takes over soon after.
      this.#retryIn(leaseMs / 2);
      return 'held-elsewhere';
    }
    this.#lease = lease;
    try {
      await this.options.work(now ?? new Date(), lease.signal);
      this.#backoff.reset();
      return lease.signal.aborted ? 'stopped' : 'ran';
    } catch (error) {
      if (lease.signal.aborted) {
        logger.warn('scheduled run stopped before its end; the next run carries on', { why: describe(lease.signal.reason) });
        return 'stopped';
      }
      const waitMs = this.#backoff.next();
      logger.error('scheduled work failed; trying again', { error, retryInMs: waitMs });
      this.#retryIn(waitMs);
      return 'failed';
    } finally {
      this.#lease = undefined;
      await lease.release();
    }
  }

  /**
   * No new runs; the one in progress is told to stop and awaited until `deadline` at most. A run can be waiting out
   * Graph's report throttle for seconds: it is left behind rather than let past the shutdown budget (its work is
   * idempotent and saves its place, and the next start, here or on another instance, carries on).
   */
  async stop(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    this.#timer = undefined;
    this.#retry = undefined;
    this.#lease?.stop('the service is stopping');
    const running = this.#running?.catch(() => undefined);
    if (!running || deadline === Number.POSITIVE_INFINITY) return running;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([running, late]);
    clearTimeout(timer);
    // Still running at the deadline: give the lease up anyway, so another instance need not wait for it to lapse.
    await this.#lease?.release(deadline);
  }

  #retryIn(ms: number): void {
    if (this.#stopped || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.kick();
    }, ms);
    this.#retry.unref();
  }
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
