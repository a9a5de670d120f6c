// Jobs that read only what is marked as waiting (open requests, pending refusals) still read everything now and then:
// at their first run in a process and once a day, to find what a crash left unmarked and rows older than the markers.

const FULL_SWEEP_MS = 24 * 3600_000;

export class FullSweep {
  #last: number | undefined;

  /** True when this run should read everything (and counts it as done). */
  due(now: Date): boolean {
    if (this.#last !== undefined && now.getTime() - this.#last < FULL_SWEEP_MS && now.getTime() >= this.#last) return false;
    this.#last = now.getTime();
    return true;
  }
}
