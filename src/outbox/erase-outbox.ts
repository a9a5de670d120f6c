// Right to erasure, for the outbox: messages waiting for the person are dropped, their name leaves a group row's
// exceptions, and what became of each message to them (the logs, keyed by recipient) is deleted; the logs of subjects
// that were about them (their escalation) go whole.

import { casUpdate } from '../store/cas-update.js';
import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import { type ErasureCounts, type ErasureSubject, isPerson } from '../shared/erased.js';
import { OUTBOX_PARTITION, type OutboxRow, outboxLogPartition } from './outbox.js';

export interface OutboxErasure {
  /** Subjects about the person (deleted with them): every row and log entry of theirs goes, whoever it was for. */
  ownSubjects: ReadonlySet<string>;
  /** Every other subject that may have messaged them (campaigns, escalations, pass requests, alerts, notices). */
  otherSubjects: Iterable<string>;
}

export async function eraseOutbox(store: Store, subject: ErasureSubject, scope: OutboxErasure): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  const add = (kind: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  for await (const page of pagesOf<OutboxRow>(store, OUTBOX_PARTITION, 500)) {
    for (const row of page) {
      const value = row.value as OutboxRow & { campaignId?: string };
      const subjectId = value.subjectId ?? value.campaignId ?? '';
      if (isPerson(subject, value.userId) || scope.ownSubjects.has(subjectId)) {
        // Whoever holds it now: a message to (or about) someone erased is never sent.
        await store.delete(OUTBOX_PARTITION, row.key);
        add('outboxMessages');
      } else if (value.group?.except?.some((id) => isPerson(subject, id))) {
        const changed = await casUpdate<OutboxRow>(store, OUTBOX_PARTITION, row.key, (current) =>
          current.group ? { ...current, group: { ...current.group, except: (current.group.except ?? []).filter((id) => !isPerson(subject, id)) } } : undefined,
        );
        if (changed) add('outboxGroupExceptions');
      }
    }
  }
  for (const subjectId of scope.ownSubjects) counts.outboxLog = (counts.outboxLog ?? 0) + (await deleteAll(store, outboxLogPartition(subjectId)));
  for (const subjectId of scope.otherSubjects) {
    if (scope.ownSubjects.has(subjectId)) continue;
    counts.outboxLog = (counts.outboxLog ?? 0) + (await deleteAll(store, outboxLogPartition(subjectId), `${subject.id}|`));
  }
  if (counts.outboxLog === 0) delete counts.outboxLog;
  return counts;
}

/** Deletes every record of a partition (with a key prefix, those only); the first page is always what is left. */
async function deleteAll(store: Store, partition: string, keyPrefix?: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await store.list(partition, { limit: 500, ...(keyPrefix ? { keyPrefix } : {}) });
    if (page.records.length === 0) return deleted;
    for (const record of page.records) await store.delete(partition, record.key);
    deleted += page.records.length;
  }
}
