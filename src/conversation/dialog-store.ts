// Where each person is in their conversation with the coach: stored, so a restart loses nothing, and expiring.

import type { IntentId } from '../shared/intents.js';
import { isAppError } from '../errors/app-error.js';
import { setBounded } from '../shared/bounded-map.js';
import type { Store, StoredRecord } from '../store/store-port.js';

export const DIALOGS_PARTITION = 'dialogs';
/** A conversation left alone this long starts afresh: an old worry should not colour a new one weeks later. */
export const DIALOG_TTL_MS = 14 * 24 * 3600_000;

export interface DialogState {
  /** The objections raised, in order, without repeats (intents, never the person's words). */
  intentsRaised: IntentId[];
  /** The platform the person chose, once they did. */
  platform?: string;
  /** The language the person asked the coach to keep to ("English please", "auf Deutsch"). */
  language?: string;
  /** The language of the coach's last answer, for the buttons they click next. */
  lastLanguage?: string;
  updatedAt: string;
}

/**
 * An update that changes nothing writes nothing, unless the row was last written this long ago: the time-to-live
 * counts from the last write, so a conversation that goes on without changing its state is kept alive at most a day late.
 */
const REFRESH_MS = 24 * 3600_000;
/** How long a row this instance read or wrote is the first guess of an update (a turn reads, then updates). */
const KEPT_MS = 2_000;
/** People whose last row is kept at once; the oldest go first. */
const MAX_KEPT = 10_000;

export class DialogStore {
  readonly #store: Store;
  readonly #now: () => number;
  /** The row as this instance last read or wrote it, per person: an update starts from it instead of reading again. */
  readonly #kept = new Map<string, { record: StoredRecord<DialogState>; at: number }>();

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  async get(userId: string): Promise<DialogState> {
    const record = await this.#store.get<DialogState>(DIALOGS_PARTITION, userId);
    this.#keep(userId, record);
    if (!record || this.#now() - Date.parse(record.value.updatedAt) > DIALOG_TTL_MS) return fresh(this.#now());
    return record.value;
  }

  /**
   * Applies `change` with compare-and-swap, retrying when another turn of the same person wrote first. The first try
   * starts from the row this instance read or wrote within the last two seconds (a turn reads the state, then
   * updates it): if the row changed since, the swap fails and the next try reads it.
   */
  async update(userId: string, change: (state: DialogState) => DialogState): Promise<DialogState> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const kept = attempt === 0 ? this.#recent(userId) : undefined;
      const record = kept ?? (await this.#store.get<DialogState>(DIALOGS_PARTITION, userId));
      const current = record && this.#now() - Date.parse(record.value.updatedAt) <= DIALOG_TTL_MS ? record.value : fresh(this.#now());
      const next = { ...change(current), updatedAt: new Date(this.#now()).toISOString() };
      if (record && current === record.value && sameBesidesTime(current, next) && this.#now() - Date.parse(current.updatedAt) < REFRESH_MS) {
        // Nothing to write. Decided on a fresh read only: the kept row may be two seconds old, and another instance
        // may have changed it since (the person picked another phone there); a fresh read that the change leaves as it
        // is, is what a swap would have written.
        if (kept) continue;
        this.#keep(userId, record);
        return current;
      }
      try {
        this.#keep(userId, record ? await this.#store.update(DIALOGS_PARTITION, userId, next, record.etag) : await this.#store.insert(DIALOGS_PARTITION, userId, next));
        return next;
      } catch (error) {
        this.#kept.delete(userId);
        // A kept row may be gone since (the person's data erased): read again, as a fresh read would have found.
        const stale = kept !== undefined && isAppError(error, 'store.not-found');
        if (!stale && !isAppError(error, 'store.conflict') && !isAppError(error, 'store.already-exists')) throw error;
      }
    }
    throw new Error(`dialog state of ${userId} kept changing under us`);
  }

  #recent(userId: string): StoredRecord<DialogState> | undefined {
    const kept = this.#kept.get(userId);
    return kept && this.#now() - kept.at <= KEPT_MS ? kept.record : undefined;
  }

  #keep(userId: string, record: StoredRecord<DialogState> | undefined): void {
    const now = this.#now();
    // Oldest first: what is past its two seconds goes, so a person's state is not held in memory long after their turn.
    for (const [key, { at }] of this.#kept) {
      if (now - at <= KEPT_MS) break;
      this.#kept.delete(key);
    }
    if (record) setBounded(this.#kept, userId, { record, at: now }, MAX_KEPT);
    else this.#kept.delete(userId);
  }
}

function sameBesidesTime({ updatedAt: _left, ...left }: DialogState, { updatedAt: _right, ...right }: DialogState): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

function fresh(now: number): DialogState {
  return { intentsRaised: [], updatedAt: new Date(now).toISOString() };
}
