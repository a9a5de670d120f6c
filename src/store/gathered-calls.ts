// What code that gathers store calls made together shares (batching-store.ts, campaigns/member-writes.ts): the event
// loop's turn boundary that closes a gathering, and which failures fail every call of a gathered batch.

import { isAppError } from '../errors/app-error.js';

/** The event loop's own turn boundary, taken before any test installs fake timers: gathering calls is not a timer. */
export const nextTurn: (callback: () => void) => void = globalThis.setImmediate.bind(globalThis);

/**
 * A storage fault (`internal`: the disk, the network, or an error that is not ours) fails every call of the batch, as
 * it would have failed each alone. Any other error belongs to one write (a conflict, a key that exists or is gone):
 * the batch is replayed call by call, so each caller gets its own outcome.
 */
export function failsEveryCall(error: unknown): boolean {
  return !isAppError(error) || isAppError(error, 'internal');
}
