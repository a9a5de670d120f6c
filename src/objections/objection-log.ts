// What the coach keeps about objections: the intent and the time, never the words unless an admin turned
// that on; everything older than the retention period is deleted.
//
// Beside the events, one tally per day (intent → count) in the same partition, written in the same transaction as
// the event it counts and the deletion that forgets it: the tab's chart of concerns sums the days kept, so it costs
// the same however much was said, and never drifts from the events.

import { isAppError } from '../errors/app-error.js';
import { pagesOf } from '../store/pages.js';
import type { Store, StoredRecord, StoreWrite } from '../store/store-port.js';
import { MAX_TRANSACTION_WRITES } from '../store/store-port.js';
import type { IntentId } from './catalog-schema.js';

export const OBJECTION_EVENTS_PARTITION = 'objection-events';
/** Keys of the tallies and of the "every event is tallied" marker; they sort after every event's timestamp. */
const TALLY_PREFIX = '~tally|';
const TALLIED_MARKER = '~tallied';
const ATTEMPTS = 20;

export interface ObjectionEvent {
  userId: string;
  intent: IntentId;
  confidence: number;
  at: string;
  /** Only when STORE_OBJECTION_TEXT is on. */
  text?: string;
  /** Counted in its day's tally (events written before tallies existed are not, until the first count). */
  tallied?: true;
}

type Tally = Partial<Record<IntentId, number>>;
type TallyPlan = (tally: Tally | undefined, present: Map<string, StoredRecord<ObjectionEvent>>) => { writes: StoreWrite[]; tally: Tally | undefined };

export function isObjectionEventKey(key: string): boolean {
  return !key.startsWith('~');
}

export class ObjectionLog {
  /** Counting on one tally waits for this instance's previous count on it: instances conflict, turns here do not. */
  readonly #counting = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly options: { keepText: boolean; retentionDays: number; now?: () => number },
  ) {}

  async record(event: Omit<ObjectionEvent, 'at' | 'text' | 'tallied'> & { text: string }): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    const value: ObjectionEvent = { userId: event.userId, intent: event.intent, confidence: event.confidence, at, tallied: true };
    if (this.options.keepText) value.text = event.text.slice(0, 2000);
    // Keys sort by time, so the purge reads from the oldest and stops at the first one it keeps.
    const key = `${at}|${event.userId}`;
    await this.#withTally(tallyKey(at), [key], (tally, present) => ({
      writes: [{ op: 'put', key, value }],
      // The same person and millisecond twice is one event, counted once.
      tally: present.has(key) ? undefined : add(tally, event.intent, 1),
    }));
  }

  /** How often each concern came up within the retention period (what the admins' tab charts): intent → count. */
  async countsByIntent(): Promise<Partial<Record<IntentId, number>>> {
    if (!(await this.store.get(OBJECTION_EVENTS_PARTITION, TALLIED_MARKER))) await this.#tallyEarlierEvents();
    const counts: Tally = {};
    for await (const page of pagesOf<Tally>(this.store, OBJECTION_EVENTS_PARTITION, 1000, TALLY_PREFIX)) {
      for (const { value } of page) for (const [intent, count] of Object.entries(value) as [IntentId, number][]) counts[intent] = (counts[intent] ?? 0) + count;
    }
    return counts;
  }

  /** Deletes events older than the retention period, and takes them off their day's tally; returns how many. */
  async purge(): Promise<number> {
    const cutoff = new Date(this.#now() - this.options.retentionDays * 24 * 3600_000).toISOString();
    let deleted = 0;
    for (;;) {
      const page = await this.store.list<ObjectionEvent>(OBJECTION_EVENTS_PARTITION, { limit: 500 });
      const old = page.records.filter((record) => isObjectionEventKey(record.key) && record.key < cutoff);
      for (const day of byDay(old)) deleted += await this.#forget(day);
      if (old.length < page.records.length || !page.continuationToken) return deleted;
    }
  }

  /** Deletes one day's events (a chunk per transaction), taking the tallied ones off the tally; a day left at zero goes. */
  async #forget(events: StoredRecord<ObjectionEvent>[]): Promise<number> {
    const day = tallyKey(events[0]!.value.at ?? events[0]!.key);
    for (let start = 0; start < events.length; start += MAX_TRANSACTION_WRITES - 1) {
      const chunk = events.slice(start, start + MAX_TRANSACTION_WRITES - 1);
      // What is still there when the day's tally is read: another instance's purge may have taken some already.
      await this.#withTally(day, chunk.map((event) => event.key), (tally, present) => {
        let next = tally;
        for (const event of present.values()) if (event.value.tallied) next = add(next, event.value.intent, -1);
        return { writes: [...present.keys()].map((key) => ({ op: 'delete', key })), tally: next };
      });
    }
    return events.length;
  }

  /** Once per store: events written before tallies existed are counted into them, each with its flag in one transaction. */
  async #tallyEarlierEvents(): Promise<void> {
    for await (const page of pagesOf<ObjectionEvent>(this.store, OBJECTION_EVENTS_PARTITION, 500)) {
      const untallied = page.filter((record) => isObjectionEventKey(record.key) && !record.value.tallied);
      for (const day of byDay(untallied)) {
        for (let start = 0; start < day.length; start += MAX_TRANSACTION_WRITES - 1) {
          const keys = day.slice(start, start + MAX_TRANSACTION_WRITES - 1).map((event) => event.key);
          await this.#withTally(tallyKey(day[0]!.value.at ?? day[0]!.key), keys, (tally, present) => {
            const writes: StoreWrite[] = [];
            let next = tally;
            for (const [key, event] of present) {
              if (event.value.tallied) continue;
              writes.push({ op: 'update', key, value: { ...event.value, tallied: true }, etag: event.etag });
              next = add(next, event.value.intent, 1);
            }
            return { writes, tally: writes.length > 0 ? next : undefined };
          });
        }
      }
    }
    await this.store.put(OBJECTION_EVENTS_PARTITION, TALLIED_MARKER, { since: new Date(this.#now()).toISOString() });
  }

  /**
   * Reads the day's tally with the events `keys` (one round trip), lets `plan` say which writes go with what tally,
   * and commits both in one transaction; a conflict (someone else counted meanwhile) plans again from a fresh read.
   * A tally of undefined is left alone; one counting nothing is emptied in the transaction and removed after it, only
   * if nobody counted on it since (a transaction's delete cannot compare an eTag).
   */
  #withTally(key: string, keys: readonly string[], plan: TallyPlan): Promise<void> {
    const previous = this.#counting.get(key) ?? Promise.resolve();
    const turn = previous.then(() => this.#count(key, keys, plan));
    const settled = turn.catch(() => undefined);
    this.#counting.set(key, settled);
    void settled.then(() => {
      if (this.#counting.get(key) === settled) this.#counting.delete(key);
    });
    return turn;
  }

  async #count(key: string, keys: readonly string[], plan: TallyPlan): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // Another instance counted meanwhile: wait a little, at random, so two do not meet again at once.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
      const read = await this.store.getMany<unknown>(OBJECTION_EVENTS_PARTITION, [key, ...keys]);
      const current = read.get(key) as StoredRecord<Tally> | undefined;
      read.delete(key);
      const { writes, tally } = plan(current ? { ...current.value } : undefined, read as Map<string, StoredRecord<ObjectionEvent>>);
      if (writes.length === 0 && tally === undefined) return;
      const all: StoreWrite[] = [...writes];
      if (tally !== undefined) all.push(current ? { op: 'update', key, value: tally, etag: current.etag } : { op: 'insert', key, value: tally });
      let written: (StoredRecord<unknown> | undefined)[];
      try {
        written = await this.store.transact(OBJECTION_EVENTS_PARTITION, all);
      } catch (error) {
        if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.already-exists') && !isAppError(error, 'store.not-found')) throw error;
        continue;
      }
      const emptied = tally !== undefined && Object.keys(tally).length === 0 ? written.at(-1) : undefined;
      if (emptied) await this.store.delete(OBJECTION_EVENTS_PARTITION, key, emptied.etag).catch(ignoreConflict);
      return;
    }
    throw new Error(`${OBJECTION_EVENTS_PARTITION}/${key} kept changing under ${ATTEMPTS} attempts to count it`);
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function tallyKey(at: string): string {
  return `${TALLY_PREFIX}${at.slice(0, 10)}`;
}

function add(tally: Tally | undefined, intent: IntentId, by: number): Tally {
  const next: Tally = { ...tally };
  const count = (next[intent] ?? 0) + by;
  if (count > 0) next[intent] = count;
  else delete next[intent];
  return next;
}

function ignoreConflict(error: unknown): void {
  if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.not-found')) throw error;
}

/** Events grouped by the day they were said (keys are sorted, so each day is one run). */
function byDay(events: StoredRecord<ObjectionEvent>[]): StoredRecord<ObjectionEvent>[][] {
  const days: StoredRecord<ObjectionEvent>[][] = [];
  for (const event of events) {
    const last = days.at(-1);
    if (last && tallyKey(last[0]!.value.at ?? last[0]!.key) === tallyKey(event.value.at ?? event.key)) last.push(event);
    else days.push([event]);
  }
  return days;
}
