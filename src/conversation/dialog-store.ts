// Where each person is in their conversation with the coach: stored, so a restart loses nothing, and expiring.

import type { IntentId } from '../shared/intents.js';
import { isAppError } from '../errors/app-error.js';
import type { Store } from '../store/store-port.js';

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

export class DialogStore {
  readonly #store: Store;
  readonly #now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  async get(userId: string): Promise<DialogState> {
    const record = await this.#store.get<DialogState>(DIALOGS_PARTITION, userId);
    if (!record || this.#now() - Date.parse(record.value.updatedAt) > DIALOG_TTL_MS) return fresh(this.#now());
    return record.value;
  }

  /** Applies `change` with compare-and-swap, retrying when another turn of the same person wrote first. */
  async update(userId: string, change: (state: DialogState) => DialogState): Promise<DialogState> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await this.#store.get<DialogState>(DIALOGS_PARTITION, userId);
      const current = record && this.#now() - Date.parse(record.value.updatedAt) <= DIALOG_TTL_MS ? record.value : fresh(this.#now());
      const next = { ...change(current), updatedAt: new Date(this.#now()).toISOString() };
      try {
        if (record) await this.#store.update(DIALOGS_PARTITION, userId, next, record.etag);
        else await this.#store.insert(DIALOGS_PARTITION, userId, next);
        return next;
      } catch (error) {
        if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.already-exists')) throw error;
      }
    }
    throw new Error(`dialog state of ${userId} kept changing under us`);
  }
}

function fresh(now: number): DialogState {
  return { intentsRaised: [], updatedAt: new Date(now).toISOString() };
}
