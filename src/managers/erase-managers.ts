// Right to erasure, for managers' nudges: the record of the last nudge to the person goes, and a nudge a manager
// asked for no longer names the manager once they are erased (it is then not sent: it would come from nobody).

import { ERASED_PERSON, type ErasureCounts, type ErasureSubject, isPerson } from '../shared/erased.js';
import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import { MANAGER_NUDGES_PARTITION, type NudgeRecord } from './manager-nudges.js';

export async function eraseFromManagerNudges(store: Store, subject: ErasureSubject): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  if (await store.get(MANAGER_NUDGES_PARTITION, subject.id)) {
    await store.delete(MANAGER_NUDGES_PARTITION, subject.id);
    counts.nudgesReceived = 1;
  }
  for await (const page of pagesOf<NudgeRecord>(store, MANAGER_NUDGES_PARTITION, 500)) {
    for (const row of page) {
      if (!isPerson(subject, row.value.by.id)) continue;
      await store.put<NudgeRecord>(MANAGER_NUDGES_PARTITION, row.key, { ...row.value, by: { ...ERASED_PERSON } });
      counts.nudgesAsked = (counts.nudgesAsked ?? 0) + 1;
    }
  }
  return counts;
}
