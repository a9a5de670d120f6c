// A manager's nudge: one short message to one report, naming the manager, at most once per person every
// MANAGER_NUDGE_DAYS (whoever asks), queued through the outbox for the person's next working moment. The record of the
// last nudge is what the delivery reads to name the manager, and what the limit is checked against.

import { isAppError } from '../errors/app-error.js';
import type { OutboxItem } from '../outbox/outbox.js';
import type { Store } from '../store/store-port.js';

/** Per person (key: their object id): the last nudge a manager asked for. */
export const MANAGER_NUDGES_PARTITION = 'manager-nudges';
/** The outbox subject of every manager's nudge (its log partition holds what became of each). */
export const NUDGE_SUBJECT = 'manager-nudges';

export interface NudgeRecord {
  by: { id: string; name: string };
  /** When it was asked for (ISO): the limit counts from here. */
  at: string;
  /** The outbox step it was queued as (`nudge-<yyyymmddhhmm>`): one step per nudge, so the next one is a new row. */
  step: string;
}

export type NudgeClaim = { claimed: NudgeRecord } | { recent: NudgeRecord; againFrom: Date };

/**
 * Takes the person's nudge for `by` unless one was asked for within `days`: compare-and-swap on the person's record,
 * so two managers (or two clicks) at the same moment queue one nudge.
 */
export async function claimNudge(store: Store, personId: string, by: NudgeRecord['by'], days: number, now: Date): Promise<NudgeClaim> {
  const step = `nudge-${now.toISOString().replace(/\D/g, '').slice(0, 12)}`;
  const claimed: NudgeRecord = { by, at: now.toISOString(), step };
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await store.get<NudgeRecord>(MANAGER_NUDGES_PARTITION, personId);
    if (existing) {
      const againFrom = new Date(Date.parse(existing.value.at) + days * 86_400_000);
      if (againFrom > now) return { recent: existing.value, againFrom };
    }
    try {
      if (existing) await store.update(MANAGER_NUDGES_PARTITION, personId, claimed, existing.etag);
      else await store.insert(MANAGER_NUDGES_PARTITION, personId, claimed);
      return { claimed };
    } catch (error) {
      if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.already-exists') && !isAppError(error, 'store.not-found')) throw error;
    }
  }
  const latest = await store.get<NudgeRecord>(MANAGER_NUDGES_PARTITION, personId);
  if (!latest) throw new Error(`${MANAGER_NUDGES_PARTITION}: the record kept changing under five attempts`);
  return { recent: latest.value, againFrom: new Date(Date.parse(latest.value.at) + days * 86_400_000) };
}

export async function nudgeRecord(store: Store, personId: string): Promise<NudgeRecord | undefined> {
  return (await store.get<NudgeRecord>(MANAGER_NUDGES_PARTITION, personId))?.value;
}

/** The outbox row of a claimed nudge, due at the person's next working moment. */
export function nudgeRow(personId: string, record: NudgeRecord, dueAt: Date): OutboxItem {
  return { kind: 'nudge', subjectId: NUDGE_SUBJECT, userId: personId, step: record.step, dueAt: dueAt.toISOString() };
}
