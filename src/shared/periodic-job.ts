// Runs a piece of upkeep now and then every interval, on this instance, until stopped.
// (Coordinating such jobs across several instances belongs to the scale-out work; this one is idempotent.)

import type { BackgroundWork } from './background-work.js';

export class PeriodicJob {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly background: BackgroundWork,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.background.run(this.name, this.work);
    this.#timer = setInterval(() => this.background.run(this.name, this.work), this.intervalMs);
    // Upkeep never keeps the process alive on its own.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
