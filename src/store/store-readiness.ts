// Whether the store works now, for /readyz: its probe (a small write and read) within a few seconds. One probe at a
// time, and an answer reused for a few seconds, so however often /readyz is called the store sees little of it.
// A change either way is logged once.

import type { Logger } from '../logging/logger.js';
import type { Store } from './store-port.js';

export interface ReadinessAnswer {
  ready: boolean;
  /** Why not, for the log (never sent to the caller: it can name paths). */
  reason?: string;
}

export interface StoreReadinessOptions {
  /** Longest wait for the probe: a store that hangs (Azurite frozen, a network black hole) is not ready. */
  timeoutMs?: number;
  /** How long an answer is reused. */
  freshMs?: number;
}

export class StoreReadiness {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #freshMs: number;
  #probing: Promise<ReadinessAnswer> | undefined;
  #last: { answer: ReadinessAnswer; at: number } | undefined;

  constructor(store: Store, logger: Logger, options: StoreReadinessOptions = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#timeoutMs = options.timeoutMs ?? 3_000;
    this.#freshMs = options.freshMs ?? 2_000;
  }

  async check(): Promise<ReadinessAnswer> {
    if (!this.#store.isOpen()) return { ready: false, reason: 'the store is closed' };
    const last = this.#last;
    if (last && performance.now() - last.at < this.#freshMs) return last.answer;
    this.#probing ??= this.#probe().finally(() => {
      this.#probing = undefined;
    });
    // Each caller waits at most the timeout, even while an earlier probe still hangs.
    return withTimeout(this.#probing, this.#timeoutMs, { ready: false, reason: `the store did not answer within ${this.#timeoutMs} ms` });
  }

  async #probe(): Promise<ReadinessAnswer> {
    const answer = await withTimeout(
      this.#store.probe().then(
        (): ReadinessAnswer => ({ ready: true }),
        (error: unknown): ReadinessAnswer => ({ ready: false, reason: error instanceof Error ? error.message : String(error) }),
      ),
      this.#timeoutMs,
      { ready: false, reason: `the store did not answer within ${this.#timeoutMs} ms` },
    );
    const before = this.#last?.answer.ready;
    this.#last = { answer, at: performance.now() };
    if (!answer.ready && before !== false) this.#logger.error('not ready: the store does not work', { reason: answer.reason });
    if (answer.ready && before === false) this.#logger.info('ready again: the store works');
    return answer;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
