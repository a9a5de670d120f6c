// Drains the outbox: one sender at a time across instances (a store lease), a bounded number of messages in flight,
// nothing taken past an open circuit breaker or a paused tenant but one probe, rows whose moment has passed expired,
// failed ones put back or retried as retry-policy.ts says.

import type { Logger } from '../logging/logger.js';
import type { Lease, StoredRecord, Store } from '../store/store-port.js';
import { type Dispatch, type EndpointBreakers, stricter } from './circuit-breaker.js';
import { ExpiryLog } from './expiry.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { afterFailure } from './retry-policy.js';
import type { TenantPause } from './tenant-pause.js';

export { backoffMs } from './retry-policy.js';

export type DeliveryResult =
  | { outcome: 'sent'; conversationId?: string; activityId?: string }
  /** Not sent and never will be (the person enrolled, Teams said the chat is gone). */
  | { outcome: 'cancelled' | 'failed'; reason: string }
  /** Not sent because its moment had passed (the campaign ended, the pass request lapsed): counted apart from lost. */
  | { outcome: 'expired'; reason: string }
  /** Not now: put back (the campaign is paused), or not before `until` (outside the person's working hours). */
  | { outcome: 'deferred'; until?: Date };


export interface OutboxHandler {
  /** Rows to leave alone for now without claiming them (a paused campaign); checked on every pass, so keep it cheap. */
  isHeld?(row: OutboxRow): Promise<boolean>;
  /** Why the row's moment has passed (it then ends as expired without being sent), or undefined while it still counts. */
  expiry?(row: OutboxRow, now: Date): Promise<string | undefined>;
  /** Sends one message. Throws RetryableDeliveryError to try again later; anything else thrown is retried too. */
  deliver(row: OutboxRow): Promise<DeliveryResult>;
  /** After the outcome is logged: the feature's own bookkeeping (a crash before it is repaired by the feature). */
  settled(row: OutboxRow, result: DeliveryResult): Promise<void>;
}

export interface SenderOptions {
  outbox: Outbox;
  store: Store;
  handler: OutboxHandler;
  logger: Logger;
  /** Names this instance in the lease; a restarted instance with the same id takes its lease back at once. */
  instanceId: string;
  /** Messages in flight at once: also the most that one crash can send twice. */
  concurrency: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Longest sleep when nothing is due (an enqueue wakes the sender earlier). */
  idleMs?: number;
  /** The endpoints' circuit breakers (the messenger reports to them); without them an outage is retried row by row. */
  breakers?: EndpointBreakers;
  /** Refusals of the whole tenant pause sending. */
  tenant?: TenantPause;
}

export const SENDER_LEASE = 'outbox-sender';

export interface SenderStats {
  sent: number;
  failed: number;
  cancelled: number;
  expired: number;
  /** Failures retried: attempts spent, and rows put back without spending one. */
  retried: number;
  /** Rows an open circuit breaker held back before they reached the endpoint (not failures: put back for its probe). */
  held: number;
  inFlight: number;
  holdsLease: boolean;
}

export class OutboxSender {
  readonly #options: Required<Omit<SenderOptions, 'outbox' | 'store' | 'handler' | 'logger' | 'breakers' | 'tenant'>> &
    Pick<SenderOptions, 'outbox' | 'store' | 'handler' | 'logger' | 'breakers' | 'tenant'>;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #stats = { sent: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, held: 0 };
  readonly #expiries: ExpiryLog;
  #lease: Lease | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Whoever waits (an idle sleep, a full set of workers) wakes on the next signal. */
  readonly #waiters = new Set<() => void>();
  #renewTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(options: SenderOptions) {
    this.#options = { leaseMs: 15_000, maxAttempts: 8, idleMs: 5_000, ...options };
    this.#expiries = new ExpiryLog(options.logger);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#options.outbox.onEnqueued(() => this.#signal());
    this.#loop = this.#run().catch((error: unknown) => this.#options.logger.error('outbox sender stopped on an error', { error }));
  }

  /** Stops taking rows, lets the ones in flight finish (until the deadline), and gives the lease up. */
  async stop(deadline = Date.now() + 5_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#signal();
    await Promise.race([this.#loop, sleep(Math.max(0, deadline - Date.now()))]);
    await Promise.race([Promise.allSettled([...this.#inFlight.values()]), sleep(Math.max(0, deadline - Date.now()))]);
    clearInterval(this.#renewTimer);
    this.#expiries.flush();
    if (this.#lease && this.#inFlight.size === 0) await this.#options.store.releaseLease(this.#lease).catch(() => undefined);
    this.#lease = undefined;
  }

  /** Looks at the outbox now instead of at the end of the current sleep (a resumed campaign, a test's clock jump). */
  wake(): void {
    this.#signal();
  }

  stats(): SenderStats {
    return { ...this.#stats, inFlight: this.#inFlight.size, holdsLease: this.#lease !== undefined };
  }

  async #run(): Promise<void> {
    const { outbox, logger } = this.#options;
    while (this.#running) {
      if (!(await this.#holdLease())) {
        await this.#wait(Math.min(this.#options.leaseMs / 3, this.#options.idleMs));
        continue;
      }
      let dispatched = 0;
      let nextRetry = Number.POSITIVE_INFINITY;
      try {
        const now = new Date();
        for await (const page of outbox.due(now)) {
          for (const record of page) {
            if (!this.#running || !this.#lease) break;
            const row = record.value;
            const id = logicalId(row);
            if (this.#inFlight.has(id)) continue;
            if (row.notBefore && row.notBefore > now.toISOString()) {
              nextRetry = Math.min(nextRetry, Date.parse(row.notBefore));
              continue;
            }
            if (await this.#options.handler.isHeld?.(row)) continue;
            const admitted = await this.#admit();
            if (admitted !== true) {
              // An open breaker or a paused tenant: nothing more until its probe may go.
              nextRetry = Math.min(nextRetry, admitted.until);
              break;
            }
            if (!this.#running || !this.#lease) break;
            // Holding the lease means no other sender is alive: a claim under another token is left from a crash.
            const claimed = await outbox.claim(record, this.#lease.token, new Date(Date.now() + this.#options.leaseMs));
            if (!claimed) continue;
            dispatched += 1;
            const work = this.#process(claimed).finally(() => {
              this.#inFlight.delete(id);
              this.#signal();
            });
            this.#inFlight.set(id, work);
          }
          if (!this.#running || !this.#lease || this.#dispatch().mode === 'none') break;
        }
      } catch (error) {
        logger.error('outbox pass failed; trying again shortly', { error });
        await this.#wait(1_000);
        continue;
      }
      if (dispatched > 0) continue;
      // Nothing to take: sleep until the next row is due, a retry is allowed, something is enqueued, or idleMs.
      const nextDue = await outbox.nextDueAt().catch(() => undefined);
      const until = Math.min(nextRetry, nextDue ? Date.parse(nextDue) : Number.POSITIVE_INFINITY, Date.now() + this.#options.idleMs);
      // A row settling also ends the wait: it may have left a retry behind.
      await this.#wait(Math.max(50, until - Date.now()));
    }
  }

  async #process(record: StoredRecord<OutboxRow>): Promise<void> {
    const { outbox, handler, logger } = this.#options;
    const row = record.value;
    let result: DeliveryResult;
    try {
      if (await outbox.logEntry(row.subjectId, row.userId, row.step)) {
        await outbox.discard(record);
        return;
      }
      const expired = await handler.expiry?.(row, new Date());
      result = expired ? { outcome: 'expired', reason: expired } : await handler.deliver(row);
    } catch (error) {
      const next = afterFailure(row, error, { breakers: this.#options.breakers, tenant: this.#options.tenant, maxAttempts: this.#options.maxAttempts, now: Date.now() });
      const message = error instanceof Error ? error.message : String(error);
      if (next.action === 'end') result = { outcome: 'failed', reason: next.reason };
      else {
        if (next.action === 'requeue') await outbox.requeue(record, new Date(next.at), { error: message, code: next.code, tried: next.tried });
        else {
          logger.warn('outbox delivery failed; will retry', { step: row.step, subjectId: row.subjectId, attempt: row.attempts + 1, error });
          await outbox.retryLater(record, new Date(next.at), message);
        }
        if (next.action === 'requeue' && next.tried === false) this.#stats.held += 1;
        else this.#stats.retried += 1;
        return;
      }
    }
    if (result.outcome === 'deferred') {
      await (result.until ? outbox.postpone(record, result.until) : outbox.release(record));
      return;
    }
    if (result.outcome === 'sent') this.#options.tenant?.delivered();
    if (result.outcome === 'expired') this.#expiries.note(row, result.reason);
    await outbox.finish(record, {
      outcome: result.outcome,
      attempts: row.attempts + 1,
      ...(result.outcome === 'sent' ? { conversationId: result.conversationId, activityId: result.activityId } : { reason: result.reason }),
    });
    this.#stats[result.outcome] += 1;
    try {
      await handler.settled(row, result);
    } catch (error) {
      logger.error('bookkeeping after a delivery failed; the next wave repairs it', { step: row.step, subjectId: row.subjectId, error });
    }
  }

  /** What may be taken now: every row, one at a time (an endpoint or the tenant is being probed), or nothing. */
  #dispatch(): Dispatch {
    const breakers = this.#options.breakers?.dispatch() ?? { mode: 'all' };
    return stricter(breakers, this.#options.tenant?.dispatch() ?? { mode: 'all' });
  }

  /** Waits for a free slot (one while probing); `until` when nothing may be taken before then. */
  async #admit(): Promise<true | { until: number }> {
    for (;;) {
      const dispatch = this.#dispatch();
      if (dispatch.mode === 'none') return { until: dispatch.until };
      const slots = dispatch.mode === 'one' ? 1 : this.#options.concurrency;
      if (!this.#running || this.#inFlight.size < slots) return true;
      await this.#wait(1_000);
    }
  }

  async #holdLease(): Promise<boolean> {
    const { store, instanceId, leaseMs, logger } = this.#options;
    if (this.#lease) return true;
    const lease = await store.acquireLease(SENDER_LEASE, instanceId, leaseMs).catch((error: unknown) => {
      logger.warn('could not take the sender lease', { error });
      return undefined;
    });
    if (!lease) return false;
    this.#lease = lease;
    logger.info('sending campaign messages from this instance', { instanceId });
    clearInterval(this.#renewTimer);
    this.#renewTimer = setInterval(() => void this.#renew(), Math.max(100, Math.floor(leaseMs / 3)));
    this.#renewTimer.unref();
    return true;
  }

  async #renew(): Promise<void> {
    const lease = this.#lease;
    if (!lease) return;
    try {
      this.#lease = await this.#options.store.renewLease(lease, this.#options.leaseMs);
    } catch (error) {
      // Lost (this instance stalled past the lease): stop taking rows; another instance has taken over.
      this.#options.logger.warn('lost the sender lease; another instance sends now', { error });
      this.#lease = undefined;
      clearInterval(this.#renewTimer);
    }
  }

  #signal(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }
}

function logicalId(row: OutboxRow): string {
  return `${row.subjectId}|${row.userId}|${row.step}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
