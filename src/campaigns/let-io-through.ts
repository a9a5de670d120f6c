// Long loops over the store run as one unbroken chain of microtasks (better-sqlite3 answers synchronously), which holds
// back every timer and socket: among them the writes of messages already granted a slot under Teams' rate, which then
// leave together in a burst Teams answers with 429 (and each 429 pauses all sending for its Retry-After).

/** Resolves once pending I/O callbacks have had their turn. */
export function letIoThrough(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Rows of store work between two turns for I/O: a few milliseconds' worth. */
export const ROWS_BETWEEN_IO = 25;

/** Store calls made at once travel together (batching-store.ts), up to a transaction's worth. */
const ROWS_TOGETHER = 100;

/**
 * Runs `work` for every item, a hundred at a time concurrently, in order of the hundreds: their store calls reach the
 * store as one round trip per partition; the results come back in the items' order.
 */
export async function inStoreBatches<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += ROWS_TOGETHER) {
    if (start > 0) await letIoThrough();
    results.push(...(await Promise.all(items.slice(start, start + ROWS_TOGETHER).map((item, offset) => work(item, start + offset)))));
  }
  return results;
}
