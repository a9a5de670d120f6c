// The durable outbox: one row per (subject, person, step) waiting to be sent, and a log of what became of each. The
// subject is what the message belongs to: a campaign, an escalation, a pass request, an alert.
//
// Live rows sit in one partition keyed `<due instant>|<subject>|<person>|<step>`, so the sender reads only what is
// due, oldest first. A row is claimed by compare-and-swap before it is sent; once sent (or given up) its outcome is
// written to the subject's log and only then is the live row deleted. A crash at any instant therefore leaves the row
// either waiting (sent again later: the only duplicates, bounded by the rows in flight) or logged (never sent again).

import { isAppError } from '../errors/app-error.js';
import { pagesOf } from '../store/pages.js';
import type { StoredRecord, Store } from '../store/store-port.js';

export const OUTBOX_PARTITION = 'outbox';

export function outboxLogPartition(subjectId: string): string {
  return `outbox-log:${subjectId}`;
}

/** What a row belongs to; absent on campaign rows (every row before escalations existed was one). */
export type OutboxKind = 'campaign' | 'escalation' | 'tap' | 'notice' | 'nudge' | 'digest';

/** `userId` of a row for every member of a group (looked up when it is sent): `group:<group id>`. */
export const GROUP_PREFIX = 'group:';

export interface OutboxItem {
  kind?: OutboxKind;
  /** What the row belongs to, by its kind: a campaign's id, an escalation's, a pass request's. Names the log partition. */
  subjectId: string;
  /** Who gets the message: a person's object id, or `group:<id>` for every member of a group (see `group`). */
  userId: string;
  /** A row for a group: its members are looked up when it is sent, and the message queued for each but `except`. */
  group?: { id: string; except?: string[] };
  /** Campaigns: `invite`, `reminder-<n>` or `decision`; escalations: `ask-<round>`, `update-<activity>`, `outcome`, `key-request`. */
  step: string;
  /** ISO instant from which it may be sent. */
  dueAt: string;
}

export interface OutboxRow extends OutboxItem {
  /** Attempts Teams refused this very message (outages, throttling and tenant-wide refusals spend none). */
  attempts: number;
  /** Times it was put back without spending an attempt (an outage, throttling, a paused tenant): sets the back-off. */
  requeues?: number;
  /** Not before this instant (back-off after a failed attempt). */
  notBefore?: string;
  /** Who is sending it: the sender's lease token, and until when the claim holds. */
  claim?: { token: string; until: string };
  lastError?: string;
  /** The service's code of the last failure, when it came, and how many failures in a row gave that code. */
  lastCode?: string;
  lastTriedAt?: string;
  streak?: number;
}

/** `expired`: never sent because its moment had passed (the request lapsed, the campaign ended): not lost. */
export type OutboxOutcome = 'sent' | 'failed' | 'cancelled' | 'expired';

export interface OutboxLogEntry {
  step: string;
  outcome: OutboxOutcome;
  attempts: number;
  at: string;
  reason?: string;
  conversationId?: string;
  activityId?: string;
}

export function outboxKey(item: OutboxItem): string {
  return `${item.dueAt}|${item.subjectId}|${item.userId}|${item.step}`;
}

/** A stored row as this version reads it: rows queued before subjects were named generically said `campaignId`. */
function readRow(record: StoredRecord<OutboxRow>): StoredRecord<OutboxRow> {
  const stored = record.value as OutboxRow & { campaignId?: string };
  if (stored.subjectId !== undefined || stored.campaignId === undefined) return record;
  const { campaignId, ...rest } = stored;
  return { ...record, value: { ...rest, subjectId: campaignId } };
}

function logKey(userId: string, step: string): string {
  return `${userId}|${step}`;
}

export class Outbox {
  readonly #listeners = new Set<() => void>();

  constructor(private readonly store: Store) {}

  /**
   * Queues a message once: false when the same step for the same person was already sent, given up, or is waiting
   * (the caller derives `dueAt` from stored state, so a job run twice produces the same key).
   */
  async enqueue(item: OutboxItem): Promise<boolean> {
    if (await this.logEntry(item.subjectId, item.userId, item.step)) return false;
    try {
      await this.store.insert<OutboxRow>(OUTBOX_PARTITION, outboxKey(item), { ...item, attempts: 0 });
    } catch (error) {
      if (isAppError(error, 'store.already-exists')) return false;
      throw error;
    }
    for (const listener of this.#listeners) listener();
    return true;
  }

  /** Called after every enqueue: the sender wakes up instead of waiting for its next look. */
  onEnqueued(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Rows whose due instant has come, oldest first, a page at a time; stops at the first row due later. */
  async *due(now: Date, pageSize = 200): AsyncIterable<StoredRecord<OutboxRow>[]> {
    const nowIso = now.toISOString();
    let continuationToken: string | undefined;
    do {
      const page = await this.store.list<OutboxRow>(OUTBOX_PARTITION, { limit: pageSize, continuationToken });
      const due = page.records.filter((record) => record.value.dueAt <= nowIso).map(readRow);
      if (due.length > 0) yield due;
      if (due.length < page.records.length) return;
      continuationToken = page.continuationToken;
    } while (continuationToken);
  }

  /** How many rows could be sent right now (due, and not waiting for a retry or a working hour), counting to `atMost`. */
  async sendableCount(now: Date, atMost: number): Promise<number> {
    const nowIso = now.toISOString();
    let count = 0;
    for await (const page of this.due(now)) {
      for (const record of page) if (!record.value.notBefore || record.value.notBefore <= nowIso) count += 1;
      if (count >= atMost) return count;
    }
    return count;
  }

  /** Every live row, due or not, a page at a time (status and tests). */
  async *waiting(pageSize = 500): AsyncIterable<StoredRecord<OutboxRow>[]> {
    for await (const page of pagesOf<OutboxRow>(this.store, OUTBOX_PARTITION, pageSize)) yield page.map(readRow);
  }

  /** The earliest due instant of any waiting row (to sleep until then), or undefined when the outbox is empty. */
  async nextDueAt(): Promise<string | undefined> {
    const first = await this.store.list<OutboxRow>(OUTBOX_PARTITION, { limit: 1 });
    return first.records[0]?.value.dueAt;
  }

  /** Takes the row for the sender holding `token`; undefined when someone changed it first. */
  async claim(record: StoredRecord<OutboxRow>, token: string, until: Date): Promise<StoredRecord<OutboxRow> | undefined> {
    const value: OutboxRow = { ...record.value, claim: { token, until: until.toISOString() } };
    return this.#swap(record, value);
  }

  /** Gives the row back untouched (a paused campaign, a shutdown). */
  async release(record: StoredRecord<OutboxRow>): Promise<void> {
    const { claim: _claim, ...value } = record.value;
    await this.#swap(record, value);
  }

  /** Not sent and not failed: tried again from `notBefore` (the attempts are not counted). */
  async postpone(record: StoredRecord<OutboxRow>, notBefore: Date): Promise<void> {
    const { claim: _claim, ...rest } = record.value;
    await this.#swap(record, { ...rest, notBefore: notBefore.toISOString() });
  }

  /** For every member of a group but `except`: one row now, the members looked up when it is sent. */
  async enqueueForGroup(item: Omit<OutboxItem, 'userId' | 'group'>, groupId: string, except: readonly string[] = []): Promise<boolean> {
    return this.enqueue({ ...item, userId: `${GROUP_PREFIX}${groupId}`, group: { id: groupId, ...(except.length > 0 ? { except: [...new Set(except)] } : {}) } });
  }

  /**
   * Not sent, through no fault of the message (an outage, throttling, a paused tenant): tried again from `notBefore`,
   * no attempt spent. `tried` false: it never reached the endpoint (a breaker held it), which does not lengthen its waits.
   */
  async requeue(record: StoredRecord<OutboxRow>, notBefore: Date, failure: { error: string; code?: string; tried?: boolean }): Promise<void> {
    const { claim: _claim, ...rest } = record.value;
    await this.#swap(record, {
      ...rest,
      requeues: (rest.requeues ?? 0) + (failure.tried === false ? 0 : 1),
      notBefore: notBefore.toISOString(),
      lastError: failure.error.slice(0, 300),
      lastCode: failure.code,
      lastTriedAt: new Date().toISOString(),
      streak: failure.code !== undefined && failure.code === rest.lastCode ? (rest.streak ?? 1) + 1 : 1,
    });
  }

  /** One more failed attempt; tried again from `notBefore`. */
  async retryLater(record: StoredRecord<OutboxRow>, notBefore: Date, error: string): Promise<void> {
    const { claim: _claim, ...rest } = record.value;
    await this.#swap(record, { ...rest, attempts: rest.attempts + 1, notBefore: notBefore.toISOString(), lastError: error.slice(0, 300) });
  }

  /** Records the outcome, then removes the live row: in this order, so a crash in between never sends it again. */
  async finish(record: StoredRecord<OutboxRow>, outcome: Omit<OutboxLogEntry, 'step' | 'at'> & { at?: string }): Promise<void> {
    const { subjectId, userId, step } = record.value;
    const entry: OutboxLogEntry = { step, at: new Date().toISOString(), ...outcome };
    try {
      await this.store.insert(outboxLogPartition(subjectId), logKey(userId, step), entry);
    } catch (error) {
      // Logged by an earlier attempt that crashed before deleting the row: the first outcome stands.
      if (!isAppError(error, 'store.already-exists')) throw error;
    }
    await this.#remove(record);
  }

  /** Drops a live row whose step is already logged (left behind by a crash between logging and deleting). */
  async discard(record: StoredRecord<OutboxRow>): Promise<void> {
    await this.#remove(record);
  }

  async logEntry(subjectId: string, userId: string, step: string): Promise<OutboxLogEntry | undefined> {
    return (await this.store.get<OutboxLogEntry>(outboxLogPartition(subjectId), logKey(userId, step)))?.value;
  }

  /** Every log entry of a subject (a campaign's, say), a page at a time, with the person's id. */
  async *log(subjectId: string, pageSize = 500): AsyncIterable<{ userId: string; entry: OutboxLogEntry }[]> {
    for await (const page of pagesOf<OutboxLogEntry>(this.store, outboxLogPartition(subjectId), pageSize)) {
      yield page.map((record) => ({ userId: record.key.slice(0, record.key.lastIndexOf('|')), entry: record.value }));
    }
  }

  async #swap(record: StoredRecord<OutboxRow>, value: OutboxRow): Promise<StoredRecord<OutboxRow> | undefined> {
    try {
      return await this.store.update(OUTBOX_PARTITION, record.key, value, record.etag);
    } catch (error) {
      if (isAppError(error, 'store.conflict') || isAppError(error, 'store.not-found')) return undefined;
      throw error;
    }
  }

  async #remove(record: StoredRecord<OutboxRow>): Promise<void> {
    // Without the etag: whoever holds the row now, its step is settled.
    await this.store.delete(OUTBOX_PARTITION, record.key);
  }
}
