// Drains the outbox: one sender at a time across instances (a store lease), as many messages in flight as Teams' rate
// needs (send-window.ts) up to a bound, nothing taken past an open circuit breaker or a paused tenant but one probe.
// What becomes of each row it takes (sent, expired, put back, retried; the outcome logged) is row-delivery.ts's. The
// store failing never stops it: a pass that fails is tried again after a back-off, and an outcome it could not write
// is kept and written before the next pass rather than sent twice.

import type { Logger } from '../logging/logger.js';
import { Backoff } from '../shared/backoff.js';
import { HeldLease } from '../store/held-lease.js';
import type { StoredRecord, Store } from '../store/store-port.js';
import { type Dispatch, type EndpointBreakers, stricter } from './circuit-breaker.js';
import type { Outbox, OutboxRow } from './outbox.js';
import { type DeliveryCounts, type OutboxHandler, RowDelivery } from './row-delivery.js';
import { type RatePressure, SendWindow, takeTogether } from './send-window.js';
import type { TenantPause } from './tenant-pause.js';

export { backoffMs } from './retry-policy.js';

export type { DeliveryResult, OutboxHandler } from './row-delivery.js';

export interface SenderOptions {
  outbox: Outbox;
  store: Store;
  handler: OutboxHandler;
  logger: Logger;
  /** Names this instance in the lease; a restarted instance with the same id takes its lease back at once. */
  instanceId: string;
  /**
   * The most messages in flight at once: also the most that one crash can send twice. With `pressure`, the sender keeps
   * only as many as the rate needs (send-window.ts); without it, always this many.
   */
  concurrency: number;
  /** The tenant's rate limiter, read to size the messages in flight. */
  pressure?: RatePressure;
  leaseMs?: number;
  maxAttempts?: number;
  /**
   * Longest sleep when nothing is due. An enqueue on this instance wakes the sender at once; one on another instance
   * (a campaign started there, its targeting queueing rows) is seen at the next look, so this is how long the first
   * message of such a campaign may wait: a second by default (two small reads a second while idle).
   */
  idleMs?: number;
  /** The endpoints' circuit breakers (the messenger reports to them); without them an outage is retried row by row. */
  breakers?: EndpointBreakers;
  /** Refusals of the whole tenant pause sending. */
  tenant?: TenantPause;
  /**
   * Writes that go with the outcomes settled together (the chats the messenger opened for them): started in the same
   * turn as the outcomes, so the batching store sends them in the same round trips. Must not throw.
   */
  alongsideOutcomes?: () => Promise<void>;
}

export const SENDER_LEASE = 'outbox-sender';
/** Renewed every third of it while sending: when the sending instance dies, another one sends within about 20 s. */
export const SENDER_LEASE_MS = 15_000;
/** How often an instance that does not send looks whether the sender's lease is free. */
const LEASE_RETRY_MS = 5_000;

export interface SenderStats extends DeliveryCounts {
  inFlight: number;
  /** Messages it keeps in flight now (its window). */
  window: number;
  holdsLease: boolean;
}

export class OutboxSender {
  readonly #options: Required<Omit<SenderOptions, 'outbox' | 'store' | 'handler' | 'logger' | 'breakers' | 'tenant' | 'alongsideOutcomes' | 'pressure'>> &
    Pick<SenderOptions, 'outbox' | 'store' | 'handler' | 'logger' | 'breakers' | 'tenant'>;
  readonly #window: SendWindow | undefined;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #rows: RowDelivery;
  #lease: HeldLease | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  /** Whoever waits (an idle sleep, a full set of workers) wakes on the next signal. */
  readonly #waiters = new Set<() => void>();
  #unsubscribe: (() => void) | undefined;
  readonly #backoff = new Backoff(1_000, 60_000);

  constructor(options: SenderOptions) {
    this.#options = { leaseMs: SENDER_LEASE_MS, maxAttempts: 8, idleMs: 1_000, ...options };
    const { outbox, handler, logger, breakers, tenant, alongsideOutcomes } = options;
    this.#rows = new RowDelivery(
      { outbox, handler, logger, breakers, tenant, alongsideOutcomes, maxAttempts: this.#options.maxAttempts },
      { inFlight: () => this.#inFlight.size, running: () => this.#running },
    );
    this.#window = options.pressure ? new SendWindow({ pressure: options.pressure, max: options.concurrency }) : undefined;
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
    await this.#rows.flush();
    // Messages still in flight: the lease is left to lapse, so another sender does not take their rows for a crash's.
    if (this.#inFlight.size === 0) await this.#lease?.release(deadline);
    else this.#lease?.stop('the service is stopping');
    this.#lease = undefined;
  }

  /** Looks at the outbox now instead of at the end of the current sleep (a resumed campaign, a test's clock jump). */
  wake(): void {
    this.#signal();
  }

  stats(): SenderStats {
    return { ...this.#rows.counts(), inFlight: this.#inFlight.size, window: this.#slots(), holdsLease: this.#lease?.held === true };
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

  /** One look at the outbox: take what is due (as many as the window holds), or sleep until something may be. */
  async #pass(): Promise<void> {
    const { outbox } = this.#options;
    if (!(await this.#holdLease())) {
      // Another instance sends: look again at its lease now and then (it lapses only after leaseMs anyway).
      await this.#wait(Math.min(this.#options.leaseMs / 3, LEASE_RETRY_MS));
      return;
    }
    // Outcomes a failing store could not take first: until they are written, their rows are not sent again.
    await this.#rows.writeUnsettled();
    let dispatched = 0;
    let nextRetry = Number.POSITIVE_INFINITY;
    const now = new Date();
    let stopped = false;
    for await (const page of outbox.due(now)) {
      // What may go now: due, not waiting for a retry, not held, not already on its way; one row per message.
      const ready: StoredRecord<OutboxRow>[] = [];
      const seen = new Set<string>();
      for (const record of page) {
        if (!this.#running || !this.#lease?.held) break;
        const row = record.value;
        const id = logicalId(row);
        if (seen.has(id) || this.#inFlight.has(id) || this.#rows.unsettled(id)) continue;
        if (row.notBefore && row.notBefore > now.toISOString()) {
          nextRetry = Math.min(nextRetry, Date.parse(row.notBefore));
          continue;
        }
        if (await this.#options.handler.isHeld?.(row)) continue;
        seen.add(id);
        ready.push(record);
      }
      // Taken in batches as slots free up: claimed together, they are read, logged and settled together too (the
      // batching store turns the calls a batch makes at once into one round trip per partition).
      let next = 0;
      while (next < ready.length) {
        const admitted = await this.#admit(ready.length - next);
        if (typeof admitted !== 'number') {
          // An open breaker or a paused tenant: nothing more until its probe may go.
          nextRetry = Math.min(nextRetry, admitted.until);
          stopped = true;
          break;
        }
        if (!this.#running || !this.#lease?.held) break;
        const token = this.#lease.token;
        const until = new Date(Date.now() + this.#options.leaseMs);
        const batch = ready.slice(next, next + admitted);
        next += batch.length;
        // Holding the lease means no other sender is alive: a claim under another token is left from a crash.
        const claimed = await Promise.all(batch.map((record) => outbox.claim(record, token, until)));
        for (const record of claimed) {
          if (!record) continue;
          const id = logicalId(record.value);
          dispatched += 1;
          const work = this.#rows.process(id, record).finally(() => {
            this.#inFlight.delete(id);
            this.#window?.moved(this.#inFlight.size);
            this.#signal();
          });
          this.#inFlight.set(id, work);
          this.#window?.moved(this.#inFlight.size);
        }
      }
      if (stopped || !this.#running || !this.#lease?.held || this.#dispatch().mode === 'none') break;
    }
    if (dispatched > 0) return;
    // Nothing to take: sleep until the next row is due, a retry is allowed, something is enqueued, or idleMs.
    const nextDue = await outbox.nextDueAt();
    const until = Math.min(nextRetry, nextDue ? Date.parse(nextDue) : Number.POSITIVE_INFINITY, Date.now() + this.#options.idleMs);
    // A row settling also ends the wait: it may have left a retry behind.
    await this.#wait(Math.max(50, until - Date.now()));
  }

  /** What may be taken now: every row, one at a time (an endpoint or the tenant is being probed), or nothing. */
  #dispatch(): Dispatch {
    const breakers = this.#options.breakers?.dispatch() ?? { mode: 'all' };
    return stricter(breakers, this.#options.tenant?.dispatch() ?? { mode: 'all' });
  }

  /**
   * Waits for free slots and says how many to fill (at most `wanted`); `until` when nothing may be taken before then.
   * While probing, one at a time; otherwise it waits for half the slots to be free (at most TAKE_TOGETHER, or all it
   * wants), so rows are taken in batches while the rest keep the tenant's rate busy.
   */
  async #admit(wanted: number): Promise<number | { until: number }> {
    for (;;) {
      const dispatch = this.#dispatch();
      // The window measures only while rows may be taken freely: a probe or a paused tenant starts its measure afresh.
      if (dispatch.mode === 'all') this.#window?.check();
      else this.#window?.restart();
      if (dispatch.mode === 'none') return { until: dispatch.until };
      const slots = dispatch.mode === 'one' ? 1 : this.#slots();
      const free = slots - this.#inFlight.size;
      if (!this.#running) return Math.max(1, Math.min(wanted, free));
      if (wanted > free) this.#window?.full();
      if (free >= Math.min(wanted, takeTogether(slots))) return Math.min(wanted, free);
      await this.#wait(1_000);
    }
  }

  /** Messages to keep in flight: the window's, or the fixed bound without one. */
  #slots(): number {
    return this.#window?.size ?? this.#options.concurrency;
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
