// How long a background loop waits after a failure before it tries again: doubling from a first wait up to a
// ceiling, each between half and the full value (so instances that failed together do not retry together), and
// back to the first wait after a success.

export class Backoff {
  #failures = 0;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait after one more failure in a row. */
  next(): number {
    this.#failures += 1;
    const ceiling = Math.min(this.maxMs, this.firstMs * 2 ** Math.min(30, this.#failures - 1));
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  /** Failures in a row so far. */
  get failures(): number {
    return this.#failures;
  }

  reset(): void {
    this.#failures = 0;
  }
}
