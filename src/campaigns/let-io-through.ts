// Long loops over the store run as one unbroken chain of microtasks (better-sqlite3 answers synchronously), which holds
// back every timer and socket: among them the writes of messages already granted a slot under Teams' rate, which then
// leave together in a burst Teams answers with 429 (and each 429 pauses all sending for its Retry-After).

/** Resolves once pending I/O callbacks have had their turn. */
export function letIoThrough(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Rows of store work between two turns for I/O: a few milliseconds' worth. */
export const ROWS_BETWEEN_IO = 25;
