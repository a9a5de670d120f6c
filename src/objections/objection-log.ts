// What the coach keeps about objections: the intent and the time, never the words unless an admin turned
// that on; everything older than the retention period is deleted.
//
// The tab's chart of concerns reads one count row, "every event up to key K, by intent", and the events after K: a
// turn records its event with one write, as before, and the count is folded forward now and then (a compare-and-swap
// of that row), never past events a few minutes old, so an event another instance is writing right now (its clock a
// little behind) still sorts after K. The purge takes what it deletes off the count in the same transaction.

import { lostRace } from '../store/cas-update.js';
import type { Store, StoredRecord, StoreWrite } from '../store/store-port.js';
import { MAX_TRANSACTION_WRITES } from '../store/store-port.js';
import type { IntentId } from './catalog-schema.js';

export const OBJECTION_EVENTS_PARTITION = 'objection-events';
/** The count's key: it sorts after every event's (an ISO timestamp). */
const COUNT_KEY = '~count';
/** Events younger than this are never folded: instances' clocks may differ by up to this much. */
export const FOLD_MARGIN_MS = 5 * 60_000;
/** Events past the count before a read folds them in. */
const FOLD_AT = 500;
const ATTEMPTS = 20;

export interface ObjectionEvent {
  userId: string;
  intent: IntentId;
  confidence: number;
  at: string;
  /** Only when STORE_OBJECTION_TEXT is on. */
  text?: string;
}

type Counts = Partial<Record<IntentId, number>>;

interface Count {
  /** Events with keys up to and including this one are in `counts` ("" before the first fold). */
  upTo: string;
  counts: Counts;
}

export function isObjectionEventKey(key: string): boolean {
  return !key.startsWith('~');
}

export class ObjectionLog {
  constructor(
    private readonly store: Store,
    private readonly options: { keepText: boolean; retentionDays: number; now?: () => number },
  ) {}

  async record(event: Omit<ObjectionEvent, 'at' | 'text'> & { text: string }): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    const value: ObjectionEvent = { userId: event.userId, intent: event.intent, confidence: event.confidence, at };
    if (this.options.keepText) value.text = event.text.slice(0, 2000);
    // Keys sort by time, so the purge reads from the oldest and stops at the first one it keeps.
    await this.store.put(OBJECTION_EVENTS_PARTITION, `${at}|${event.userId}`, value);
  }

  /** How often each concern came up within the retention period (what the admins' tab charts): intent → count. */
  async countsByIntent(): Promise<Partial<Record<IntentId, number>>> {
    const count = await this.store.get<Count>(OBJECTION_EVENTS_PARTITION, COUNT_KEY);
    const folded = count?.value ?? { upTo: '', counts: {} };
    const counts: Counts = { ...folded.counts };
    const foldable = this.#foldableUpTo();
    let next: Count | undefined;
    let after = 0;
    for await (const event of this.#eventsAfter(folded.upTo)) {
      counts[event.value.intent] = (counts[event.value.intent] ?? 0) + 1;
      if (event.key <= foldable) {
        after += 1;
        next = { upTo: event.key, counts: { ...counts } };
      }
    }
    // Many events past the count: move it forward (if someone else did meanwhile, theirs stands; these counts hold).
    if (next && after >= FOLD_AT) await this.#replace(count, next).catch(ignoreConflict);
    return counts;
  }

  /**
   * Every event kept (within the retention period), oldest first, a page at a time: whose and which topic, never the
   * words. The leadership digest counts topics by department from these, through the campaign's member records.
   */
  async *topics(): AsyncIterable<{ userId: string; intent: IntentId }[]> {
    let page: { userId: string; intent: IntentId }[] = [];
    for await (const event of this.#eventsAfter('')) {
      page.push({ userId: event.value.userId, intent: event.value.intent });
      if (page.length === 1000) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  /** Deletes events older than the retention period, and takes them off the count; returns how many. */
  async purge(): Promise<number> {
    const cutoff = new Date(this.#now() - this.options.retentionDays * 24 * 3600_000).toISOString();
    // Fold first, so every event the purge deletes is in the count (cutoff lies far behind the fold's margin).
    await this.#foldAll();
    let deleted = 0;
    for (;;) {
      const page = await this.store.list<ObjectionEvent>(OBJECTION_EVENTS_PARTITION, { limit: MAX_TRANSACTION_WRITES - 1 });
      const old = page.records.filter((record) => isObjectionEventKey(record.key) && record.key < cutoff);
      if (old.length > 0) deleted += await this.#forget(old);
      if (old.length < page.records.length || !page.continuationToken) return deleted;
    }
  }

  /**
   * Right to erasure: deletes every event of the person, taking the counted ones off the count as the purge does (the
   * chart then reads as if they had never raised them). Reads the events a page at a time; returns how many went.
   */
  async forgetPerson(userId: string): Promise<number> {
    const theirs = (record: StoredRecord<ObjectionEvent>) => isObjectionEventKey(record.key) && record.value.userId.toLowerCase() === userId.toLowerCase();
    let deleted = 0;
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.store.list<ObjectionEvent>(OBJECTION_EVENTS_PARTITION, { limit: 500, ...(startAfter ? { startAfter } : {}) });
      const found = page.records.filter(theirs);
      for (let start = 0; start < found.length; start += MAX_TRANSACTION_WRITES - 1) deleted += await this.#forget(found.slice(start, start + MAX_TRANSACTION_WRITES - 1));
      startAfter = page.records.at(-1)?.key;
      if (!page.continuationToken || startAfter === undefined || !isObjectionEventKey(startAfter)) return deleted;
    }
  }

  /** Deletes events and takes the counted ones off the count, in one transaction; another purge meanwhile: again. */
  async #forget(events: StoredRecord<ObjectionEvent>[]): Promise<number> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = await this.store.getMany<unknown>(OBJECTION_EVENTS_PARTITION, [COUNT_KEY, ...events.map((event) => event.key)]);
      const count = read.get(COUNT_KEY) as StoredRecord<Count> | undefined;
      read.delete(COUNT_KEY);
      const present = [...(read as Map<string, StoredRecord<ObjectionEvent>>).values()];
      if (present.length === 0) return 0;
      const counts: Counts = { ...count?.value.counts };
      for (const event of present) {
        if (!count || event.key > count.value.upTo) continue;
        const left = (counts[event.value.intent] ?? 0) - 1;
        if (left > 0) counts[event.value.intent] = left;
        else delete counts[event.value.intent];
      }
      const writes: StoreWrite[] = present.map((event) => ({ op: 'delete', key: event.key }));
      if (count) writes.push({ op: 'update', key: COUNT_KEY, value: { upTo: count.value.upTo, counts }, etag: count.etag });
      try {
        await this.store.transact(OBJECTION_EVENTS_PARTITION, writes);
        return present.length;
      } catch (error) {
        ignoreConflict(error);
      }
    }
    throw new Error(`${OBJECTION_EVENTS_PARTITION}: its count kept changing under ${ATTEMPTS} attempts to purge`);
  }

  /** Moves the count up to the events old enough to fold, whatever their number. */
  async #foldAll(): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const count = await this.store.get<Count>(OBJECTION_EVENTS_PARTITION, COUNT_KEY);
      const next: Count = { upTo: count?.value.upTo ?? '', counts: { ...count?.value.counts } };
      const foldable = this.#foldableUpTo();
      for await (const event of this.#eventsAfter(next.upTo)) {
        if (event.key > foldable) break;
        next.counts[event.value.intent] = (next.counts[event.value.intent] ?? 0) + 1;
        next.upTo = event.key;
      }
      if (next.upTo === (count?.value.upTo ?? '')) return;
      try {
        await this.#replace(count, next);
        return;
      } catch (error) {
        ignoreConflict(error);
      }
    }
    throw new Error(`${OBJECTION_EVENTS_PARTITION}: its count kept changing under ${ATTEMPTS} attempts to fold it`);
  }

  #replace(current: StoredRecord<Count> | undefined, next: Count): Promise<StoredRecord<Count>> {
    return current ? this.store.update(OBJECTION_EVENTS_PARTITION, COUNT_KEY, next, current.etag) : this.store.insert(OBJECTION_EVENTS_PARTITION, COUNT_KEY, next);
  }

  /** Events with keys after `key`, oldest first, a page at a time. */
  async *#eventsAfter(key: string): AsyncIterable<StoredRecord<ObjectionEvent>> {
    let continuationToken: string | undefined;
    do {
      const page = await this.store.list<ObjectionEvent>(OBJECTION_EVENTS_PARTITION, { limit: 1000, continuationToken, ...(key ? { startAfter: key } : {}) });
      for (const record of page.records) {
        if (!isObjectionEventKey(record.key)) return;
        yield record;
      }
      continuationToken = page.continuationToken;
    } while (continuationToken);
  }

  /** The last key a fold may take in: events at least FOLD_MARGIN_MS old. */
  #foldableUpTo(): string {
    // "\uffff" after the timestamp: every event of that millisecond, whoever wrote it, is old enough too.
    return `${new Date(this.#now() - FOLD_MARGIN_MS).toISOString()}|\uffff`;
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function ignoreConflict(error: unknown): void {
  if (!lostRace(error)) throw error;
}
