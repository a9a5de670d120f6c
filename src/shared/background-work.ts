// Work that finishes after a turn has answered (a status check waiting its turn in Graph's queue):
// tracked, so shutdown waits for it and a failure is logged rather than lost.

import type { Logger } from '../logging/logger.js';

export class BackgroundWork {
  readonly #running = new Set<Promise<void>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  run(name: string, work: () => Promise<void>): void {
    // A function that throws before returning its promise is a failure like any other, not the caller's exception.
    let started: Promise<void>;
    try {
      started = work();
    } catch (error) {
      started = Promise.reject(error);
    }
    const task = started.catch((error: unknown) => this.#logger.error('background work failed', { task: name, error }));
    this.#running.add(task);
    void task.finally(() => this.#running.delete(task));
  }

  get size(): number {
    return this.#running.size;
  }

  /** Resolves when everything running now has finished, or at the deadline; true when all finished. */
  async drain(deadline: number): Promise<boolean> {
    if (this.#running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    const done = Promise.allSettled([...this.#running]).then(() => true as const);
    const finished = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return finished;
  }
}
