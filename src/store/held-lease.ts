// A store lease held while work runs: renewed every third of its duration, and counted lost (its signal aborts) the
// moment the store says someone else holds it, or when no renewal got through before it would end. That end is
// counted on this process's monotonic clock from when the lease was asked for, so it always comes before the end
// the store judges (the store stamps the lease after the request left): a run never outlives its lease.

import { AppError, isAppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { Lease, Store } from './store-port.js';

export interface LeaseTerms {
  store: Store;
  name: string;
  holder: string;
  durationMs: number;
  logger: Logger;
}

export class HeldLease {
  readonly #terms: LeaseTerms;
  readonly #controller = new AbortController();
  #lease: Lease;
  /** performance.now() after which the lease may be someone else's. */
  #endsAt: number;
  #renewTimer: NodeJS.Timeout | undefined;
  #endTimer: NodeJS.Timeout | undefined;
  #released = false;

  private constructor(terms: LeaseTerms, lease: Lease, askedAt: number) {
    this.#terms = terms;
    this.#lease = lease;
    this.#endsAt = askedAt + terms.durationMs;
    this.#schedule(terms.durationMs / 3);
  }

  /** Takes the lease when it is free; undefined when another holder has it. Store failures are thrown. */
  static async take(terms: LeaseTerms): Promise<HeldLease | undefined> {
    const askedAt = performance.now();
    const lease = await terms.store.acquireLease(terms.name, terms.holder, terms.durationMs);
    return lease ? new HeldLease(terms, lease, askedAt) : undefined;
  }

  /** Aborts when the lease is lost or given up: work under it stops at its next look. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get held(): boolean {
    return !this.#controller.signal.aborted;
  }

  /** The current token (it changes with every renewal). */
  get token(): string {
    return this.#lease.token;
  }

  /** Tells the work under the lease to stop (a shutdown), still holding it until `release`. */
  stop(why: string): void {
    this.#end(why);
  }

  /**
   * Stops renewing and gives the lease up, so another instance can take it at once. Never throws. `deadline` (epoch
   * ms) bounds the wait, as a shutdown's does: a store that is down answers only after its retries, and a lease not
   * given up lapses by itself.
   */
  async release(deadline = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#end('released');
    // A lease lost meanwhile is left alone: the store releases only the token it names.
    const released = this.#terms.store.releaseLease(this.#lease).catch((error: unknown) => {
      this.#terms.logger.warn('could not give a lease up; it runs out by itself', { lease: this.#terms.name, error });
    });
    if (deadline === Number.POSITIVE_INFINITY) return released;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([released, late]);
    clearTimeout(timer);
  }

  #schedule(renewInMs: number): void {
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#endTimer);
    this.#renewTimer = setTimeout(() => void this.#renew(), Math.max(0, renewInMs));
    this.#endTimer = setTimeout(() => this.#lose('it was not renewed in time'), Math.max(0, this.#endsAt - performance.now()));
    // A lease never keeps the process alive on its own.
    this.#renewTimer.unref();
    this.#endTimer.unref();
  }

  async #renew(): Promise<void> {
    const { store, durationMs, logger, name } = this.#terms;
    if (!this.held) return;
    const askedAt = performance.now();
    try {
      const renewed = await store.renewLease(this.#lease, durationMs);
      if (!this.held) return;
      this.#lease = renewed;
      this.#endsAt = askedAt + durationMs;
      this.#schedule(durationMs / 3);
    } catch (error) {
      if (!this.held) return;
      if (isAppError(error, 'store.lease-held')) {
        this.#lose('another instance holds it now');
        return;
      }
      // The store is unreachable for a moment: try again soon; the end timer decides when it is too late.
      logger.warn('could not renew a lease; trying again', { lease: name, error });
      clearTimeout(this.#renewTimer);
      this.#renewTimer = setTimeout(() => void this.#renew(), durationMs / 6);
      this.#renewTimer.unref();
    }
  }

  #lose(why: string): void {
    if (!this.held) return;
    this.#terms.logger.warn('lost a lease: the work under it stops', { lease: this.#terms.name, holder: this.#terms.holder, why });
    this.#end(why);
  }

  #end(why: string): void {
    if (!this.held) return;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#endTimer);
    this.#controller.abort(new AppError('store.lease-held', `The lease ${this.#terms.name} ended: ${why}`, { details: { lease: this.#terms.name } }));
  }
}
