// Where the sender's finished rows wait a moment for one another, so their outcomes are written together.

/** Longest an outcome waits for others to be written with it, and how many are written together at most. */
export const SETTLE_GATHER_MS = 250;
export const SETTLE_TOGETHER = 4;
// Real time, taken before any test fakes the clock: the gate is about batching writes, not about the service's time.
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

/**
 * Where finished rows wait a moment for one another, so that their bookkeeping starts in one turn of the event loop
 * (and the batching store sends it as one round trip per partition). It opens when `enough` rows wait, when every row
 * in flight waits, or `gatherMs` after the first one came, whichever is first.
 */
export class SettleGate {
  #waiting: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly gatherMs: number) {}

  pass(inFlight: number, enough: number): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (this.#waiting.length >= Math.min(enough, inFlight)) this.#open();
      else this.#timer ??= realSetTimeout(() => this.#open(), this.gatherMs);
    });
  }

  #open(): void {
    if (this.#timer) realClearTimeout(this.#timer);
    this.#timer = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }
}
