// The store port: the only way features persist state. Every adapter (SQLite now, Azure Table Storage
// later) implements exactly these semantics, and test/store/store-contract.ts proves it.

/**
 * A stored record. `partition` groups records that are read together (one user's state, one
 * campaign's outbox); `key` is unique inside a partition. `etag` changes on every write and is the
 * token for compare-and-swap.
 */
export interface StoredRecord<T> {
  partition: string;
  key: string;
  value: T;
  etag: string;
  /** ISO-8601, set by the store on every write. */
  updatedAt: string;
}

export interface ListOptions {
  /** Only keys starting with this prefix. */
  keyPrefix?: string;
  /** Page size, 1..1000; default 100. */
  limit?: number;
  /** Opaque token from the previous page's `continuationToken`. */
  continuationToken?: string;
  /** Only keys after this one (the first page of a walk that starts in the middle); a continuation token wins. */
  startAfter?: string;
}

export interface RecordPage<T> {
  records: StoredRecord<T>[];
  /** Present when more records follow; pass it back to get the next page. */
  continuationToken?: string;
}

/**
 * One write of a transaction (Store.transact). `update` is a compare-and-swap; `delete` removes whatever is there and
 * fails the transaction when nothing is (Azure's transactions cannot make a delete conditional on an eTag).
 */
export type StoreWrite<T = unknown> =
  | { op: 'insert'; key: string; value: T }
  | { op: 'put'; key: string; value: T }
  | { op: 'update'; key: string; value: T; etag: string }
  | { op: 'delete'; key: string };

/** Writes of one transaction, and keys of one getMany: Azure Table's limit for an entity-group transaction. */
export const MAX_TRANSACTION_WRITES = 100;

export interface Lease {
  name: string;
  holder: string;
  /** ISO-8601 instant after which any holder may take the lease. */
  expiresAt: string;
  /** Changes on every acquire/renew; renew and release require it. */
  token: string;
}

/**
 * Persistent key/value records with optimistic concurrency and leases.
 *
 * Errors: a stale `etag` on update/delete throws AppError `store.conflict`; `insert` of an existing
 * key throws `store.already-exists`; update/delete of a missing key throws `store.not-found`
 * (or `store.conflict` when an etag was given and the record is gone — both mean "re-read").
 * Keys and partitions are non-empty strings of at most 512 characters.
 */
export interface Store {
  get<T>(partition: string, key: string): Promise<StoredRecord<T> | undefined>;
  /** Unconditional upsert. Returns the new record with its new etag. */
  put<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>>;
  /** Create-if-absent (idempotency keys, append-only logs). */
  insert<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>>;
  /**
   * Create-if-absent for many records of one partition at once (a page of campaign members), batched where the
   * adapter can: one transaction on SQLite, transactions of up to 100 rows on Azure Table. Returns, in order, whether
   * each was inserted (false: it existed and was left as it was). Keys must be distinct; at most 1000 records.
   */
  insertMany<T>(partition: string, records: readonly { key: string; value: T }[]): Promise<boolean[]>;
  /**
   * Several keys of one partition in one round trip where the adapter can (a page of people's rows): the records found,
   * by key; a key with no record is absent. Keys must be distinct; at most MAX_TRANSACTION_WRITES.
   */
  getMany<T>(partition: string, keys: readonly string[]): Promise<Map<string, StoredRecord<T>>>;
  /**
   * Writes to one partition, all or none: one SQLite transaction, one Azure entity-group transaction (one request).
   * Distinct keys, at most MAX_TRANSACTION_WRITES. When one write cannot be applied, nothing is, and the error is that
   * write's as a single call would give it (`store.conflict`, `store.already-exists`, `store.not-found`), with the
   * failing key in its details. Returns what each write left: the new record, or undefined for a delete.
   */
  transact<T>(partition: string, writes: readonly StoreWrite<T>[]): Promise<(StoredRecord<T> | undefined)[]>;
  /** Compare-and-swap: succeeds only while the stored etag equals `expectedEtag`. */
  update<T>(partition: string, key: string, value: T, expectedEtag: string): Promise<StoredRecord<T>>;
  /** Deletes; with `expectedEtag` only while it still matches. Deleting a missing key without an etag is a no-op. */
  delete(partition: string, key: string, expectedEtag?: string): Promise<void>;
  /** Records of one partition in ascending key order, paged. */
  list<T>(partition: string, options?: ListOptions): Promise<RecordPage<T>>;

  /** Takes the named lease for `durationMs` if it is free, expired, or already held by `holder`. Returns undefined when someone else holds it. */
  acquireLease(name: string, holder: string, durationMs: number): Promise<Lease | undefined>;
  /** Extends a lease still held with this token; throws `store.lease-held` when it was lost. */
  renewLease(lease: Lease, durationMs: number): Promise<Lease>;
  /** Gives the lease up early; a no-op when it was already lost. */
  releaseLease(lease: Lease): Promise<void>;

  /** True until closed. Says nothing about whether the storage underneath still works: that is `probe`. */
  isOpen(): boolean;
  /**
   * One small write and its read back, through the same path as every record, to show the storage works now (a full
   * disk, a damaged or deleted file, an unreachable account make it throw). Callers bound how long they wait.
   */
  probe(): Promise<void>;
  close(): Promise<void>;
  /**
   * What this store has asked of its storage since it opened, by kind: SQLite counts statements run per operation,
   * Azure Table counts HTTP requests (retries included) per method. What `bench:outreach` reports as
   * store_requests_per_user; a wrapper without a storage of its own may leave it out.
   */
  requestCounts?(): Readonly<Record<string, number>>;
}
