// What the coach keeps about objections: the intent and the time, never the words unless an admin turned
// that on; everything older than the retention period is deleted.

import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import type { IntentId } from './catalog-schema.js';

export const OBJECTION_EVENTS_PARTITION = 'objection-events';

export interface ObjectionEvent {
  userId: string;
  intent: IntentId;
  confidence: number;
  at: string;
  /** Only when STORE_OBJECTION_TEXT is on. */
  text?: string;
}

export class ObjectionLog {
  constructor(
    private readonly store: Store,
    private readonly options: { keepText: boolean; retentionDays: number; now?: () => number },
  ) {}

  async record(event: Omit<ObjectionEvent, 'at' | 'text'> & { text: string }): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    const value: ObjectionEvent = { userId: event.userId, intent: event.intent, confidence: event.confidence, at };
    if (this.options.keepText) value.text = event.text.slice(0, 2000);
    // Keys sort by time, so the purge reads from the oldest and stops at the first one it keeps.
    await this.store.put(OBJECTION_EVENTS_PARTITION, `${at}|${event.userId}`, value);
  }

  /** How often each concern came up within the retention period (what the admins' tab charts): intent → count. */
  async countsByIntent(): Promise<Partial<Record<IntentId, number>>> {
    const counts: Partial<Record<IntentId, number>> = {};
    for await (const page of pagesOf<ObjectionEvent>(this.store, OBJECTION_EVENTS_PARTITION, 1000)) {
      for (const { value } of page) counts[value.intent] = (counts[value.intent] ?? 0) + 1;
    }
    return counts;
  }

  /** Deletes events older than the retention period; returns how many. */
  async purge(): Promise<number> {
    const cutoff = new Date(this.#now() - this.options.retentionDays * 24 * 3600_000).toISOString();
    let deleted = 0;
    for (;;) {
      const page = await this.store.list<ObjectionEvent>(OBJECTION_EVENTS_PARTITION, { limit: 500 });
      const old = page.records.filter((record) => record.key < cutoff);
      for (const record of old) await this.store.delete(OBJECTION_EVENTS_PARTITION, record.key);
      deleted += old.length;
      if (old.length < page.records.length || !page.continuationToken) return deleted;
    }
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}
