// Rows whose moment has passed end as `expired`, never silently: the sender logs the first at once, and what expires
// after it as a summary by kind and reason a minute later (a campaign that ends with a wave still queued would
// otherwise write a line a person).

import type { Logger } from '../logging/logger.js';
import type { OutboxRow } from './outbox.js';

export class ExpiryLog {
  readonly #counts = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #total = 0;

  constructor(
    private readonly logger: Logger,
    private readonly everyMs = 60_000,
  ) {}

  /** Every row expired by this sender since it started. */
  get total(): number {
    return this.#total;
  }

  note(row: OutboxRow, reason: string): void {
    const key = `${row.kind ?? 'campaign'}|${row.step.replace(/-\d+$/, '-n').replace(/^update-.*/, 'update')}|${reason}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#total += 1;
    if (this.#timer) return;
    this.#write();
    this.#timer = setTimeout(() => this.flush(), this.everyMs);
    this.#timer.unref();
  }

  /** Logs what expired since the last summary (also called when the sender stops). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#write();
  }

  #write(): void {
    if (this.#counts.size === 0) return;
    const expired = [...this.#counts].map(([key, count]) => {
      const [kind, step, reason] = key.split('|');
      return { kind, step, reason, count };
    });
    this.#counts.clear();
    this.logger.warn('messages expired unsent: their moment had passed', { count: expired.reduce((sum, entry) => sum + entry.count, 0), expired });
  }
}
