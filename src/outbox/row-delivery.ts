// What becomes of one claimed outbox row: sent (or found sent already, or expired), then logged, removed and handed to
// its feature's bookkeeping; or put back, postponed or retried as retry-policy.ts says. The sender (outbox-sender.ts)
// decides which rows go and when; this decides what follows from each. An outcome the store could not take is kept
// and written before the next pass (unsettled-outcomes.ts), so its row is not sent twice.

import type { Logger } from '../logging/logger.js';
import type { StoredRecord } from '../store/store-port.js';
import type { EndpointBreakers } from './circuit-breaker.js';
import { ExpiryLog } from './expiry.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { afterFailure } from './retry-policy.js';
import { SendMetrics } from './send-metrics.js';
import { SETTLE_GATHER_MS, SETTLE_TOGETHER, SettleGate } from './settle-gate.js';
import type { TenantPause } from './tenant-pause.js';
import { OutcomeNotWritten, UnsettledOutcomes } from './unsettled-outcomes.js';

export type DeliveryResult =
  | { outcome: 'sent'; conversationId?: string; activityId?: string }
  /** Not sent and never will be (the person enrolled, Teams said the chat is gone). */
  | { outcome: 'cancelled' | 'failed'; reason: string }
  /** Not sent because its moment had passed (the campaign ended, the pass request lapsed): counted apart from lost. */
  | { outcome: 'expired'; reason: string }
  /** Not now: put back (the campaign is paused), or not before `until` (outside the person's working hours). */
  | { outcome: 'deferred'; until?: Date };
/** What a delivery came to, once it is not put off. */
type Settled = Exclude<DeliveryResult, { outcome: 'deferred' }>;

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

export interface RowDeliveryOptions {
  outbox: Outbox;
  handler: OutboxHandler;
  logger: Logger;
  maxAttempts: number;
  breakers?: EndpointBreakers;
  tenant?: TenantPause;
  /** Writes that go with the outcomes settled together (see SenderOptions.alongsideOutcomes). Must not throw. */
  alongsideOutcomes?: () => Promise<void>;
}

/** What the sender tells its rows about itself: how many are in flight, and whether it is still taking more. */
export interface SenderLoad {
  inFlight(): number;
  running(): boolean;
}

export interface DeliveryCounts {
  sent: number;
  failed: number;
  cancelled: number;
  expired: number;
  /** Failures retried: attempts spent, and rows put back without spending one. */
  retried: number;
  /** Rows an open circuit breaker held back before they reached the endpoint (not failures: put back for its probe). */
  held: number;
}

export class RowDelivery {
  readonly #options: RowDeliveryOptions;
  readonly #load: SenderLoad;
  readonly #counts: DeliveryCounts = { sent: 0, failed: 0, cancelled: 0, expired: 0, retried: 0, held: 0 };
  readonly #expiries: ExpiryLog;
  readonly #unsettled = new UnsettledOutcomes<Settled>();
  readonly #gate = new SettleGate(SETTLE_GATHER_MS);
  readonly #metrics = new SendMetrics();

  constructor(options: RowDeliveryOptions, load: SenderLoad) {
    this.#options = options;
    this.#load = load;
    this.#expiries = new ExpiryLog(options.logger);
  }

  counts(): DeliveryCounts {
    return { ...this.#counts };
  }

  /** True while the row's outcome is known but not written: it must not be taken again until it is. */
  unsettled(id: string): boolean {
    return this.#unsettled.has(id);
  }

  /** Writes the outcomes a failing store could not take (throws while it still cannot). */
  async writeUnsettled(): Promise<void> {
    await this.#unsettled.writeAll(({ record, result }) => this.#finish(record, result));
  }

  /** Delivers a claimed row and settles it; never throws (a store failure is logged and kept, as #bookkeepingFailed says). */
  async process(id: string, record: StoredRecord<OutboxRow>): Promise<void> {
    try {
      await this.#metrics.around(record.value, () => this.#deliver(record));
    } catch (error) {
      this.#bookkeepingFailed(id, record, error);
    }
  }

  /** On stopping: the expiries noted but not yet logged, and the writes waiting to go with outcomes. */
  async flush(): Promise<void> {
    this.#expiries.flush();
    await this.#alongside();
  }

  /**
   * The store failed while a row's outcome was being written. A known outcome is kept and written again before the
   * next pass (its row is not sent twice); a row that was only to be tried again stays claimed, and the next pass
   * after the store recovers tries it again.
   */
  #bookkeepingFailed(id: string, record: StoredRecord<OutboxRow>, error: unknown): void {
    const known = error instanceof OutcomeNotWritten ? (error as OutcomeNotWritten<Settled>) : undefined;
    if (known) this.#unsettled.add(id, { record, result: known.result });
    this.#options.logger.error('could not write what became of a message; trying again', { step: record.value.step, subjectId: record.value.subjectId, outcome: known?.result.outcome, error: known ? known.cause : error });
  }

  async #deliver(record: StoredRecord<OutboxRow>): Promise<void> {
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
        if (next.action === 'requeue' && next.tried === false) this.#counts.held += 1;
        else {
          this.#counts.retried += 1;
          this.#metrics.retried(row, error);
        }
        return;
      }
    }
    if (result.outcome === 'deferred') {
      await (result.until ? outbox.postpone(record, result.until) : outbox.release(record));
      return;
    }
    if (result.outcome === 'sent') this.#options.tenant?.delivered();
    if (result.outcome === 'expired') this.#expiries.note(row, result.reason);
    // Outcomes are written in small batches: the rows settled together log, leave the outbox and update their people
    // together. Small, because a message sent whose outcome is not written yet is sent again after a crash.
    await this.#gate.pass(this.#load.inFlight(), this.#load.running() ? SETTLE_TOGETHER : 1);
    try {
      await this.#finish(record, result);
    } catch (error) {
      throw new OutcomeNotWritten(result, error);
    }
  }

  /** Logs the outcome and removes the row, then the feature's own bookkeeping (whose failure a later run repairs). */
  async #finish(record: StoredRecord<OutboxRow>, result: Settled): Promise<void> {
    const { outbox, handler, logger } = this.#options;
    const row = record.value;
    const alongside = this.#alongside();
    await outbox.finish(record, {
      outcome: result.outcome,
      attempts: row.attempts + 1,
      ...(result.outcome === 'sent' ? { conversationId: result.conversationId, activityId: result.activityId } : { reason: result.reason }),
    });
    await alongside;
    this.#counts[result.outcome] += 1;
    this.#metrics.settled(row, result);
    try {
      await handler.settled(row, result);
    } catch (error) {
      logger.error('bookkeeping after a delivery failed; the next wave repairs it', { step: row.step, subjectId: row.subjectId, error });
    }
  }

  /** The writes that go with outcomes; a failure is logged here, never the outcome's. */
  #alongside(): Promise<void> {
    return (this.#options.alongsideOutcomes?.() ?? Promise.resolve()).catch((error: unknown) => this.#options.logger.warn('writes that go with the outcomes failed', { error }));
  }
}
