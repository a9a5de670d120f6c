// Every record of a partition, a page at a time, following the continuation tokens: never the whole partition in memory.

import type { StoredRecord, Store } from './store-port.js';

export async function* pagesOf<T>(store: Store, partition: string, pageSize = 500, keyPrefix?: string): AsyncIterable<StoredRecord<T>[]> {
  let continuationToken: string | undefined;
  do {
    const page = await store.list<T>(partition, { limit: pageSize, continuationToken, keyPrefix });
    if (page.records.length > 0) yield page.records;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}
