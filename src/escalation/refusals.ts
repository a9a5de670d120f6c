// A refusal the employee confirmed, waiting for their manager's decision (the escalation feature routes it).

import type { IntentId } from '../shared/intents.js';
import { isAppError } from '../errors/app-error.js';
import { pagesOf } from '../store/pages.js';
import type { Store, StoredRecord } from '../store/store-port.js';

export const REFUSALS_PARTITION = 'refusals';
export const REFUSAL_REASONS = ['privacy', 'personal-device', 'no-suitable-phone', 'other'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface Refusal {
  userId: string;
  reason: RefusalReason;
  /** What the person chose to tell their manager; only with reason "other" or when they wrote something. */
  details?: string;
  /** The concerns raised with the coach, as intents: the manager sees topics, not words. */
  intents: IntentId[];
  recordedAt: string;
  status: 'awaiting-decision';
  /** Set once the refusal has been taken to a decider (the escalation feature). */
  escalationId?: string;
}

/**
 * Beside each refusal not yet taken to a decider, in the same partition (one transaction writes both): the scheduler
 * reads these instead of every refusal ever kept. Object ids never start with '~'.
 */
export const PENDING_PREFIX = '~pending|';

export function pendingKey(userId: string): string {
  return `${PENDING_PREFIX}${userId}`;
}

/** Records (or replaces, if they refuse again) the person's open refusal; an escalation picks it up from here. */
export async function recordRefusal(store: Store, refusal: Omit<Refusal, 'status'>): Promise<Refusal> {
  const value: Refusal = { ...refusal, status: 'awaiting-decision' };
  await store.transact<unknown>(REFUSALS_PARTITION, [
    { op: 'put', key: refusal.userId, value },
    { op: 'put', key: pendingKey(refusal.userId), value: { at: refusal.recordedAt } },
  ]);
  return value;
}

/** The refusals waiting for an escalation, a page at a time (a marker whose refusal was taken is removed on the way). */
export async function* pendingRefusals(store: Store): AsyncIterable<StoredRecord<Refusal>[]> {
  for await (const markers of pagesOf<unknown>(store, REFUSALS_PARTITION, 100, PENDING_PREFIX)) {
    const refusals = await store.getMany<Refusal>(REFUSALS_PARTITION, markers.map((marker) => marker.key.slice(PENDING_PREFIX.length)));
    const waiting: StoredRecord<Refusal>[] = [];
    for (const marker of markers) {
      const refusal = refusals.get(marker.key.slice(PENDING_PREFIX.length));
      if (refusal && !refusal.value.escalationId) waiting.push(refusal);
      else await dropMarker(store, marker);
    }
    if (waiting.length > 0) yield waiting;
  }
}

/** Removes a marker as it was read: one a new refusal wrote meanwhile stays. */
export async function dropMarker(store: Store, marker: { key: string; etag: string }): Promise<void> {
  try {
    await store.delete(REFUSALS_PARTITION, marker.key, marker.etag);
  } catch (error) {
    if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.not-found')) throw error;
  }
}

/** Every refusal ever kept (the daily sweep, and refusals recorded before the markers existed). */
export async function* allRefusals(store: Store): AsyncIterable<StoredRecord<Refusal>[]> {
  for await (const page of pagesOf<Refusal>(store, REFUSALS_PARTITION, 200)) {
    const refusals = page.filter((record) => !record.key.startsWith(PENDING_PREFIX));
    if (refusals.length > 0) yield refusals;
  }
}
