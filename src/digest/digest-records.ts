// What the digest keeps: one snapshot of the figures per ISO week (counted once, when the week's first copy is due, and
// the baseline the next week compares with), and a marker per reader and week naming when their copy is due, so a
// restart or a second instance queues the same row again instead of a second one.

import { isAppError } from '../errors/app-error.js';
import { casUpdate } from '../store/cas-update.js';
import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import type { DigestFigures } from './digest-figures.js';
import { weekBefore } from './digest-week.js';

/** Key: the ISO week. Counts of departments of at least DIGEST_MIN_DEPARTMENT people only: nobody in them. */
export const DIGEST_SNAPSHOTS_PARTITION = 'digest-snapshots';
/** Key: `<reader's object id>|<ISO week>`. */
export const DIGEST_DELIVERIES_PARTITION = 'digest-deliveries';
/** Snapshots kept (weeks); the markers go after a few weeks, once their copy is long sent or expired. */
const SNAPSHOT_WEEKS_KEPT = 12;
const MARKER_WEEKS_KEPT = 4;

export interface DigestSnapshot {
  week: string;
  figures: DigestFigures;
  /** Every reader's copy is queued (the week's work is done). */
  queuedAt?: string;
}

export class DigestRecords {
  constructor(private readonly store: Store) {}

  async snapshot(week: string): Promise<DigestSnapshot | undefined> {
    return (await this.store.get<DigestSnapshot>(DIGEST_SNAPSHOTS_PARTITION, week))?.value;
  }

  /** The week's snapshot, counted now if it was not yet; a count another instance stored first wins. */
  async takeSnapshot(week: string, count: () => Promise<DigestFigures>): Promise<DigestSnapshot> {
    const existing = await this.snapshot(week);
    if (existing) return existing;
    const snapshot: DigestSnapshot = { week, figures: await count() };
    try {
      await this.store.insert(DIGEST_SNAPSHOTS_PARTITION, week, snapshot);
      return snapshot;
    } catch (error) {
      if (!isAppError(error, 'store.already-exists')) throw error;
      return (await this.snapshot(week)) ?? snapshot;
    }
  }

  async markQueued(week: string, at: Date): Promise<void> {
    await casUpdate<DigestSnapshot>(this.store, DIGEST_SNAPSHOTS_PARTITION, week, (snapshot) => (snapshot.queuedAt ? undefined : { ...snapshot, queuedAt: at.toISOString() }));
  }

  /**
   * What a count at `now` is compared with: the latest weekly snapshot counted before it (this week's once it is
   * taken, else last week's), so "since" always names a digest that went out.
   */
  async baselineFor(week: string, now: Date): Promise<DigestSnapshot | undefined> {
    const current = await this.snapshot(week);
    if (current && Date.parse(current.figures.asOf) < now.getTime()) return current;
    return this.snapshot(weekBefore(week));
  }

  /**
   * The reader's copy of the week: the instant it was first queued for, or `dueAt` when this is the first time. The
   * row is queued with what this returns, so queuing again is the same row (the outbox keeps one per key).
   */
  async claimDelivery(readerId: string, week: string, dueAt: Date): Promise<Date> {
    const key = `${readerId}|${week}`;
    try {
      await this.store.insert(DIGEST_DELIVERIES_PARTITION, key, { dueAt: dueAt.toISOString() });
      return dueAt;
    } catch (error) {
      if (!isAppError(error, 'store.already-exists')) throw error;
      const stored = await this.store.get<{ dueAt: string }>(DIGEST_DELIVERIES_PARTITION, key);
      return stored ? new Date(stored.value.dueAt) : dueAt;
    }
  }

  /** Drops snapshots and markers of weeks long past. */
  async prune(week: string): Promise<void> {
    let oldestSnapshot = week;
    for (let i = 0; i < SNAPSHOT_WEEKS_KEPT; i++) oldestSnapshot = weekBefore(oldestSnapshot);
    let oldestMarker = week;
    for (let i = 0; i < MARKER_WEEKS_KEPT; i++) oldestMarker = weekBefore(oldestMarker);
    const old: { partition: string; key: string }[] = [];
    for await (const page of pagesOf<unknown>(this.store, DIGEST_SNAPSHOTS_PARTITION, 200)) for (const record of page) if (record.key < oldestSnapshot) old.push({ partition: DIGEST_SNAPSHOTS_PARTITION, key: record.key });
    for await (const page of pagesOf<unknown>(this.store, DIGEST_DELIVERIES_PARTITION, 500)) {
      for (const record of page) if ((record.key.split('|')[1] ?? '') < oldestMarker) old.push({ partition: DIGEST_DELIVERIES_PARTITION, key: record.key });
    }
    for (const { partition, key } of old) await this.store.delete(partition, key).catch(ignoreGone);
  }
}

function ignoreGone(error: unknown): void {
  if (!isAppError(error, 'store.not-found')) throw error;
}
