// Outcomes the sender knows but could not write down (Teams answered, then the store failed): kept in memory and
// written again before the sender takes anything new, and their rows are not sent again meanwhile. Only a crash
// loses them; then the row is sent once more, the one duplicate the outbox already allows for a crash.

import type { StoredRecord } from '../store/store-port.js';
import type { OutboxRow } from './outbox.js';

export interface Unsettled<R> {
  record: StoredRecord<OutboxRow>;
  result: R;
}

export class UnsettledOutcomes<R> {
  readonly #pending = new Map<string, Unsettled<R>>();

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  add(id: string, outcome: Unsettled<R>): void {
    this.#pending.set(id, outcome);
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Writes each again, oldest first; stops at the first failure and throws it (the store is still down). */
  async writeAll(write: (outcome: Unsettled<R>) => Promise<void>): Promise<void> {
    for (const [id, outcome] of [...this.#pending]) {
      await write(outcome);
      this.#pending.delete(id);
    }
  }
}

/** An outcome known (Teams answered) but not written: the store failed. */
export class OutcomeNotWritten<R> extends Error {
  constructor(
    readonly result: R,
    override readonly cause: unknown,
  ) {
    super('the outcome of a delivery could not be written');
  }
}
