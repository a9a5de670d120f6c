// Runs a piece of upkeep now and then every interval, on this instance, until stopped. A run that fails is logged
// and tried again after a back-off (a minute, then longer, never later than the next interval); runs never overlap.
// (Coordinating such jobs across several instances belongs to the scale-out work; these are idempotent.)

import { Backoff } from './backoff.js';
import type { BackgroundWork } from './background-work.js';

export class PeriodicJob {
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #running = false;
  readonly #backoff: Backoff;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly background: BackgroundWork,
  ) {
    this.#backoff = new Backoff(Math.min(60_000, intervalMs / 4), intervalMs);
  }

  start(): void {
    if (this.#timer) return;
    this.#run();
    this.#timer = setInterval(() => this.#run(), this.intervalMs);
    // Upkeep never keeps the process alive on its own.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    this.#timer = undefined;
    this.#retry = undefined;
  }

  #run(): void {
    if (this.#running) return;
    this.#running = true;
    // BackgroundWork logs the failure (with the job's name) and keeps it from reaching the process.
    this.background.run(this.name, async () => {
      try {
        await this.work();
        this.#backoff.reset();
      } catch (error) {
        this.#retryLater();
        throw error;
      } finally {
        this.#running = false;
      }
    });
  }

  #retryLater(): void {
    if (!this.#timer || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#run();
    }, this.#backoff.next());
    this.#retry.unref();
  }
}
