// "At most one open X per key" (one escalation per employee, one pass request per person): a marker row per key,
// taken by conditional insert, so two instances (or a retry after a crash) can never both hold it.

import { isAppError } from '../errors/app-error.js';
import { pagesOf } from './pages.js';
import type { Store } from './store-port.js';

export class OpenSlots {
  constructor(
    private readonly store: Store,
    private readonly partition: string,
  ) {}

  /** Takes the slot for `id`: undefined when taken, or the id already holding it. */
  async claim(key: string, id: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.store.insert(this.partition, key, { holder: id });
        return undefined;
      } catch (error) {
        if (!isAppError(error, 'store.already-exists')) throw error;
      }
      const holder = await this.holder(key);
      // Released between the insert and the read: try again.
      if (holder !== undefined) return holder;
    }
    throw new Error(`${this.partition}/${key} kept changing hands`);
  }

  async holder(key: string): Promise<string | undefined> {
    return (await this.store.get<{ holder: string }>(this.partition, key))?.value.holder;
  }

  /** Every slot taken, a page at a time: the key and the id holding it (what "open" jobs read instead of every row). */
  async *taken(pageSize = 100): AsyncIterable<{ key: string; holder: string }[]> {
    for await (const page of pagesOf<{ holder: string }>(this.store, this.partition, pageSize)) yield page.map((slot) => ({ key: slot.key, holder: slot.value.holder }));
  }

  /** Frees the slot if `id` still holds it (never someone else's). */
  async release(key: string, id: string): Promise<void> {
    const marker = await this.store.get<{ holder: string }>(this.partition, key);
    if (marker?.value.holder !== id) return;
    try {
      await this.store.delete(this.partition, key, marker.etag);
    } catch (error) {
      if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.not-found')) throw error;
    }
  }
}
