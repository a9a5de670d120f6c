// Read, change, compare-and-swap: the one way features change a stored record that others may change at once.

import { isAppError } from '../errors/app-error.js';
import type { StoredRecord, Store } from './store-port.js';

/** Read, change, compare-and-swap; on a conflict read again (bounded). Undefined when the row is missing or left alone. */
export async function casUpdate<T>(store: Store, partition: string, key: string, change: (value: T) => T | undefined): Promise<StoredRecord<T> | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await store.get<T>(partition, key);
    if (!current) return undefined;
    const next = change(structuredClone(current.value));
    if (next === undefined) return undefined;
    try {
      return await store.update(partition, key, next, current.etag);
    } catch (error) {
      if (!isAppError(error, 'store.conflict')) throw error;
    }
  }
  throw new Error(`${partition}/${key} kept changing under 20 attempts to update it`);
}

/**
 * A conditional write someone else's write got to first: the row changed (conflict), appeared (already exists) or
 * went (not found) since it was read. The caller reads again, or leaves it to the writer that won.
 */
export function lostRace(error: unknown): boolean {
  return isAppError(error, 'store.conflict') || isAppError(error, 'store.already-exists') || isAppError(error, 'store.not-found');
}
