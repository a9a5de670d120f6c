// The weekly run: on one instance at a time (a store lease), once the week's first copy is due somewhere, the figures
// are counted once and kept as the week's snapshot, and each member of the leadership group gets a copy queued for
// DIGEST_DAY at DIGEST_HOUR on their own clock. Run again (every few minutes, a restart, a second instance), it finds
// the week done, or queues the same rows again, which the outbox keeps once.

import type { Directory } from '../directory/directory-port.js';
import type { Logger } from '../logging/logger.js';
import type { Outbox, OutboxItem } from '../outbox/outbox.js';
import { resolveTimeZone } from '../shared/time-zones.js';
import { HeldLease } from '../store/held-lease.js';
import type { Store } from '../store/store-port.js';
import { type DigestCount, foldDepartments } from './digest-figures.js';
import type { DigestRecords } from './digest-records.js';
import { type DigestMoment, dateInWeek, digestWeekAt, dueAt } from './digest-week.js';

/** The outbox subject of every digest (its log partition says what became of each reader's copy, by week). */
export const DIGEST_SUBJECT = 'leadership-digest';
/** A copy that could not go out for this long after it was due (an outage) is no longer sent: it would read as news. */
export const DIGEST_STALE_MS = 86_400_000;
/**
 * A week is queued only until this long after its last copy was due: a service down over the digest's hour catches up
 * when it is back that day, but one started (or back) days later waits for the next week instead of sending old news.
 */
const CATCH_UP_MS = 6 * 3600_000;
const LEASE = 'leadership-digest';
const LEASE_MS = 5 * 60_000;
/** Who reads the digest and their time zones, kept this long while the week's first copy is not due yet. */
const READERS_CACHE_MS = 60 * 60_000;

export interface ScheduleDeps {
  store: Store;
  records: DigestRecords;
  outbox: Outbox;
  directory: Directory | undefined;
  groupId: string | undefined;
  moment: DigestMoment;
  minDepartment: number;
  defaultTimeZone: string;
  instanceId: string;
  logger: Logger;
  count(now: Date): Promise<DigestCount>;
}

export type DigestRun =
  | { outcome: 'off' | 'done' | 'not-yet' | 'too-late' | 'held-elsewhere' | 'no-readers'; week?: string }
  | { outcome: 'queued'; week: string; readers: number };

export function stepOf(week: string): string {
  return `digest-${week}`;
}

export function weekOfStep(step: string): string | undefined {
  return /^digest-(\d{4}-W\d{2})$/.exec(step)?.[1];
}

export function digestRow(readerId: string, week: string, due: Date): OutboxItem {
  return { kind: 'digest', subjectId: DIGEST_SUBJECT, userId: readerId, step: stepOf(week), dueAt: due.toISOString() };
}

export class DigestSchedule {
  #cachedReaders: { week: string; at: number; zones: Map<string, string> } | undefined;

  constructor(private readonly deps: ScheduleDeps) {}

  async run(now: Date): Promise<DigestRun> {
    const { deps } = this;
    if (!deps.groupId || !deps.directory) return { outcome: 'off' };
    const week = digestWeekAt(now, deps.moment);
    const existing = await deps.records.snapshot(week);
    if (existing?.queuedAt) return { outcome: 'done', week };
    // The last copy anywhere is due 12 hours after the moment in UTC (UTC-12).
    const last = Date.parse(`${dateInWeek(week, deps.moment.day)}T00:00:00Z`) + (deps.moment.hour + 12) * 3600_000;
    if (now.getTime() > last + CATCH_UP_MS) return { outcome: 'too-late', week };
    const lease = await HeldLease.take({ store: deps.store, name: LEASE, holder: deps.instanceId, durationMs: LEASE_MS, logger: deps.logger });
    if (!lease) return { outcome: 'held-elsewhere', week };
    try {
      const zones = await this.#readers(week, deps.directory, deps.groupId, now);
      if (zones.size === 0) return { outcome: 'no-readers', week };
      const dues = new Map([...zones].map(([id, zone]) => [id, dueAt(week, deps.moment, zone)]));
      if (!existing && Math.min(...[...dues.values()].map((due) => due.getTime())) > now.getTime()) return { outcome: 'not-yet', week };
      // Counted once, from the store, when the first copy is due: every reader gets these figures, at their own hour.
      await deps.records.takeSnapshot(week, async () => foldDepartments(await deps.count(now), deps.minDepartment));
      for (const [readerId, due] of dues) {
        if (lease.signal.aborted) return { outcome: 'held-elsewhere', week };
        await deps.outbox.enqueue(digestRow(readerId, week, await deps.records.claimDelivery(readerId, week, due)));
      }
      await deps.records.markQueued(week, now);
      await deps.records.prune(week);
      this.#cachedReaders = undefined;
      deps.logger.info('leadership digest queued', { week, readers: dues.size });
      return { outcome: 'queued', week, readers: dues.size };
    } finally {
      await lease.release();
    }
  }

  /** The group's members (nested groups included) and each one's mailbox time zone, else the default. */
  async #readers(week: string, directory: Directory, groupId: string, now: Date): Promise<Map<string, string>> {
    const cached = this.#cachedReaders;
    if (cached && cached.week === week && now.getTime() - cached.at < READERS_CACHE_MS) return cached.zones;
    const ids = [...new Set(await directory.groupMemberIds(groupId))];
    const profiles = ids.length > 0 ? await directory.userProfiles(ids) : new Map();
    const zones = new Map<string, string>();
    for (const id of ids) {
      const profile = profiles.get(id);
      // Someone the directory no longer knows, or whose account is off, gets no digest.
      if (!profile || profile.user.accountEnabled === false) continue;
      zones.set(id, resolveTimeZone(profile.mailbox?.timeZone, this.deps.defaultTimeZone));
    }
    this.#cachedReaders = { week, at: now.getTime(), zones };
    return zones;
  }
}
