// Drains the outbox: one sender at a time across instances (a store lease), a bounded number of messages in flight,
// failed attempts retried with jittered back-off (or when the service said), hopeless ones given up with a reason.
// The store failing never stops it: a pass that fails is tried again after a back-off, and an outcome it could not
// write is kept and written later (unsettled-outcomes.ts) rather than sent twice.

import { RetryableDeliveryError } from '../messaging/delivery-errors.js';
import type { Logger } from '../logging/logger.js';
import { Backoff } from '../shared/backoff.js';
import { HeldLease } from '../store/held-lease.js';
import type { StoredRecord, Store } from '../store/store-port.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { UnsettledOutcomes } from './unsettled-outcomes.js';

export type DeliveryResult =
  | { outcome: 'sent'; conversationId?: string; activityId?: string }
  /** Not sent and never will be (the person enrolled, the campaign ended, Teams said the chat is gone). */
  | { outcome: 'cancelled' | 'failed'; reason: string }
  /** Not now: put back (the campaign is paused), or not before `until` (outside the person's working hours). */
  | { outcome: 'deferred'; until?: Date };


export interface OutboxHandler {
  /** Rows to leave alone for now without claiming them (a paused campaign); checked on every pass, so keep it cheap. */
  isHeld?(row: OutboxRow): Promise<boolean>;
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
}

export const SENDER_LEASE = 'outbox-sender';
/** Renewed every third of it while sending: when the sending instance dies, another one sends within about 20 s. */
export const SENDER_LEASE_MS = 15_000;

export interface SenderStats {
  sent: number;
  failed: number;
  cancelled: number;
  retried: number;
  inFlight: number;
  holdsLease: boolean;
}

export class OutboxSender {
  readonly #options: Required<Omit<SenderOptions, 'outbox' | 'store' | 'handler' | 'logger'>> & Pick<SenderOptions, 'outbox' | 'store' | 'handler' | 'logger'>;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #stats = { sent: 0, failed: 0, cancelled: 0, retried: 0 };
  #lease: HeldLease | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Whoever waits (an idle sleep, a full set of workers) wakes on the next signal. */
  readonly #waiters = new Set<() => void>();
  #unsubscribe: (() => void) | undefined;
  readonly #unsettled = new UnsettledOutcomes<Exclude<DeliveryResult, { outcome: 'deferred' }>>();
  readonly #backoff = new Backoff(1_000, 60_000);

  constructor(options: SenderOptions) {
    this.#options = { leaseMs: SENDER_LEASE_MS, maxAttempts: 8, idleMs: 5_000, ...options };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#options.outbox.onEnqueued(() => this.#signal());
    this.#loop = this.#run();
  }

  /** Stops taking rows, lets the ones in flight finish (until the deadline), and gives the lease up. */
  async stop(deadline = Date.now() + 5_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#signal();
    await Promise.race([this.#loop, sleep(Math.max(0, deadline - Date.now()))]);
    await Promise.race([Promise.allSettled([...this.#inFlight.values()]), sleep(Math.max(0, deadline - Date.now()))]);
    // Messages still in flight: the lease is left to lapse, so another sender does not take their rows for a crash's.
    if (this.#inFlight.size === 0) await this.#lease?.release();
    else this.#lease?.stop('the service is stopping');
    this.#lease = undefined;
  }

  /** Looks at the outbox now instead of at the end of the current sleep (a resumed campaign, a test's clock jump). */
  wake(): void {
    this.#signal();
  }

  stats(): SenderStats {
    return { ...this.#stats, inFlight: this.#inFlight.size, holdsLease: this.#lease?.held === true };
  }

  /** The loop: nothing it meets (the store down, a bug in a pass) ends it; it logs, backs off and goes on. */
  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#pass();
        this.#backoff.reset();
      } catch (error) {
        const waitMs = this.#backoff.next();
        this.#options.logger.error('outbox pass failed; trying again shortly', { error, retryInMs: waitMs });
        await this.#wait(waitMs);
      }
    }
  }

  /** One look at the outbox: take what is due (up to `concurrency` in flight), or sleep until something may be. */
  async #pass(): Promise<void> {
    const { outbox } = this.#options;
    if (!(await this.#holdLease())) {
      await this.#wait(Math.min(this.#options.leaseMs / 3, this.#options.idleMs));
      return;
    }
    // Outcomes a failing store could not take first: until they are written, their rows are not sent again.
    await this.#unsettled.writeAll(({ record, result }) => this.#finish(record, result));
    let dispatched = 0;
    let nextRetry = Number.POSITIVE_INFINITY;
    const now = new Date();
    for await (const page of outbox.due(now)) {
      for (const record of page) {
        if (!this.#running || !this.#lease?.held) break;
        const row = record.value;
        const id = logicalId(row);
        if (this.#inFlight.has(id) || this.#unsettled.has(id)) continue;
        if (row.notBefore && row.notBefore > now.toISOString()) {
          nextRetry = Math.min(nextRetry, Date.parse(row.notBefore));
          continue;
        }
        if (await this.#options.handler.isHeld?.(row)) continue;
        await this.#freeSlot();
        if (!this.#running || !this.#lease?.held) break;
        // Holding the lease means no other sender is alive: a claim under another token is left from a crash.
        const claimed = await outbox.claim(record, this.#lease.token, new Date(Date.now() + this.#options.leaseMs));
        if (!claimed) continue;
        dispatched += 1;
        const work = this.#process(claimed)
          .catch((error: unknown) => this.#bookkeepingFailed(id, claimed, error))
          .finally(() => {
            this.#inFlight.delete(id);
            this.#signal();
          });
        this.#inFlight.set(id, work);
      }
      if (!this.#running || !this.#lease?.held) break;
    }
    if (dispatched > 0) return;
    // Nothing to take: sleep until the next row is due, a retry is allowed, something is enqueued, or idleMs.
    const nextDue = await outbox.nextDueAt();
    const until = Math.min(nextRetry, nextDue ? Date.parse(nextDue) : Number.POSITIVE_INFINITY, Date.now() + this.#options.idleMs);
    // A row settling also ends the wait: it may have left a retry behind.
    await this.#wait(Math.max(50, until - Date.now()));
  }

  /**
   * The store failed while a row's outcome was being written. A known outcome is kept and written again before the
   * next pass (its row is not sent twice); a row that was only to be tried again stays claimed, and the next pass
   * after the store recovers tries it again.
   */
  #bookkeepingFailed(id: string, record: StoredRecord<OutboxRow>, error: unknown): void {
    const result = error instanceof OutcomeNotWritten ? error.result : undefined;
    if (result) this.#unsettled.add(id, { record, result });
    this.#options.logger.error('could not write what became of a message; trying again', { step: record.value.step, subjectId: record.value.subjectId, outcome: result?.outcome, error: result ? (error as OutcomeNotWritten).cause : error });
  }

  async #process(record: StoredRecord<OutboxRow>): Promise<void> {
    const { outbox, handler, logger, maxAttempts } = this.#options;
    const row = record.value;
    let result: DeliveryResult;
    try {
      if (await outbox.logEntry(row.subjectId, row.userId, row.step)) {
        await outbox.discard(record);
        return;
      }
      result = await handler.deliver(row);
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      if (attempts >= maxAttempts) {
        result = { outcome: 'failed', reason: `gave up after ${attempts} attempts: ${message}` };
      } else {
        const retryAfterMs = error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined;
        if (!(error instanceof RetryableDeliveryError)) logger.warn('outbox delivery failed unexpectedly; will retry', { step: row.step, subjectId: row.subjectId, error });
        await outbox.retryLater(record, new Date(Date.now() + (retryAfterMs ?? backoffMs(attempts))), message);
        this.#stats.retried += 1;
        return;
      }
    }
    if (result.outcome === 'deferred') {
      await (result.until ? outbox.postpone(record, result.until) : outbox.release(record));
      return;
    }
    try {
      await this.#finish(record, result);
    } catch (error) {
      throw new OutcomeNotWritten(result, error);
    }
  }

  /** Logs the outcome and removes the row, then the feature's own bookkeeping (whose failure a later run repairs). */
  async #finish(record: StoredRecord<OutboxRow>, result: Exclude<DeliveryResult, { outcome: 'deferred' }>): Promise<void> {
    const { outbox, handler, logger } = this.#options;
    const row = record.value;
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

  /** True while this instance holds the sender lease (taking it when it is free). */
  async #holdLease(): Promise<boolean> {
    const { store, instanceId, leaseMs, logger } = this.#options;
    if (this.#lease?.held) return true;
    this.#lease = undefined;
    const lease = await HeldLease.take({ store, name: SENDER_LEASE, holder: instanceId, durationMs: leaseMs, logger }).catch((error: unknown) => {
      logger.warn('could not take the sender lease', { error });
      return undefined;
    });
    if (!lease) return false;
    this.#lease = lease;
    logger.info('sending campaign messages from this instance', { instanceId });
    return true;
  }

  async #freeSlot(): Promise<void> {
    while (this.#running && this.#inFlight.size >= this.#options.concurrency) await this.#wait(1_000);
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

/** An outcome known (Teams answered) but not written: the store failed. */
class OutcomeNotWritten extends Error {
  constructor(
    readonly result: Exclude<DeliveryResult, { outcome: 'deferred' }>,
    override readonly cause: unknown,
  ) {
    super('the outcome of a delivery could not be written');
  }
}

function logicalId(row: OutboxRow): string {
  return `${row.subjectId}|${row.userId}|${row.step}`;
}

/** 2 s, 4 s, 8 s… up to 5 minutes, each between half and the full value (jitter keeps retries from marching together). */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(300_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
