// Right to erasure, for the leadership digest: the markers of the person's weekly copies go (the outbox erases the
// copies waiting and their log, under DIGEST_SUBJECT). The snapshots hold counts of departments of at least
// DIGEST_MIN_DEPARTMENT people and no one's id, so an erasure leaves them as they are.

import type { ErasureCounts, ErasureSubject } from '../shared/erased.js';
import type { Store } from '../store/store-port.js';
import { DIGEST_DELIVERIES_PARTITION } from './digest-records.js';

export async function eraseFromDigest(store: Store, subject: ErasureSubject): Promise<ErasureCounts> {
  let deleted = 0;
  for (;;) {
    const page = await store.list(DIGEST_DELIVERIES_PARTITION, { keyPrefix: `${subject.id}|`, limit: 500 });
    if (page.records.length === 0) break;
    for (const record of page.records) await store.delete(DIGEST_DELIVERIES_PARTITION, record.key);
    deleted += page.records.length;
  }
  return deleted > 0 ? { digestCopies: deleted } : {};
}
