// "At most N in any window" across instances: N slot rows per subject, each taken by a conditional insert, or by a
// compare-and-swap once the time it was taken has left the window. Counting rows first and writing after let 30
// requests at once through a limit of 5; with slots, exactly N attempts can win, however many arrive together.

import { randomInt } from 'node:crypto';
import { isAppError } from '../errors/app-error.js';
import type { Store } from './store-port.js';

interface Slot {
  at: string;
}

export class WindowSlots {
  constructor(
    private readonly store: Store,
    private readonly partition: string,
    private readonly windowMs: number,
  ) {}

  /** Takes one of `limit` slots of `subject` at `now`; false when every one was taken within the window. */
  async take(subject: string, limit: number, now: Date): Promise<boolean> {
    const count = Math.max(0, Math.floor(limit));
    // Start at a random slot: attempts arriving together spread over the free slots instead of queueing on slot 0.
    const first = count > 0 ? randomInt(count) : 0;
    for (let step = 0; step < count; step++) {
      if (await this.#takeSlot(`${subject}#${(first + step) % count}`, now)) return true;
    }
    return false;
  }

  async #takeSlot(key: string, now: Date): Promise<boolean> {
    const value: Slot = { at: now.toISOString() };
    try {
      await this.store.insert(this.partition, key, value);
      return true;
    } catch (error) {
      if (!isAppError(error, 'store.already-exists')) throw error;
    }
    const current = await this.store.get<Slot>(this.partition, key);
    // Slots are never deleted, so a missing one means the store lost it: the slot is not ours to assume.
    if (!current || now.getTime() - Date.parse(current.value.at) < this.windowMs) return false;
    try {
      await this.store.update(this.partition, key, value, current.etag);
      return true;
    } catch (error) {
      // Someone else took the freed slot first.
      if (isAppError(error, 'store.conflict') || isAppError(error, 'store.not-found')) return false;
      throw error;
    }
  }
}
