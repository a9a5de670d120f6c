// A real store with faults injected on demand, as the connector emulator injects them into Teams' answers: the chosen
// operations fail with the error a broken disk or an unreachable storage account gives, until healed.

import { AppError } from '../../src/errors/app-error.js';
import type { Lease, ListOptions, RecordPage, Store, StoredRecord, StoreWrite } from '../../src/store/store-port.js';

export type StoreOperation = 'get' | 'getMany' | 'put' | 'insert' | 'insertMany' | 'transact' | 'update' | 'delete' | 'list' | 'acquireLease' | 'renewLease' | 'releaseLease' | 'probe';

/** Which calls fail: the operation and, for records, the partition they touch. */
export type FaultRule = (operation: StoreOperation, partition: string | undefined) => boolean;

export class FaultyStore implements Store {
  #rule: FaultRule | undefined;
  /** Calls that failed, per operation. */
  readonly failures = new Map<StoreOperation, number>();

  constructor(readonly inner: Store) {}

  /** Every matching call fails from now on (every call when no rule is given). */
  fail(rule: FaultRule = () => true): void {
    this.#rule = rule;
  }

  heal(): void {
    this.#rule = undefined;
  }

  get<T>(partition: string, key: string): Promise<StoredRecord<T> | undefined> {
    return this.#call('get', partition, () => this.inner.get<T>(partition, key));
  }
  getMany<T>(partition: string, keys: readonly string[]): Promise<Map<string, StoredRecord<T>>> {
    return this.#call('getMany', partition, () => this.inner.getMany<T>(partition, keys));
  }
  transact<T>(partition: string, writes: readonly StoreWrite<T>[]): Promise<(StoredRecord<T> | undefined)[]> {
    return this.#call('transact', partition, () => this.inner.transact(partition, writes));
  }
  put<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#call('put', partition, () => this.inner.put(partition, key, value));
  }
  insert<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#call('insert', partition, () => this.inner.insert(partition, key, value));
  }
  insertMany<T>(partition: string, records: readonly { key: string; value: T }[]): Promise<boolean[]> {
    return this.#call('insertMany', partition, () => this.inner.insertMany(partition, records));
  }
  update<T>(partition: string, key: string, value: T, expectedEtag: string): Promise<StoredRecord<T>> {
    return this.#call('update', partition, () => this.inner.update(partition, key, value, expectedEtag));
  }
  delete(partition: string, key: string, expectedEtag?: string): Promise<void> {
    return this.#call('delete', partition, () => this.inner.delete(partition, key, expectedEtag));
  }
  list<T>(partition: string, options?: ListOptions): Promise<RecordPage<T>> {
    return this.#call('list', partition, () => this.inner.list<T>(partition, options));
  }
  acquireLease(name: string, holder: string, durationMs: number): Promise<Lease | undefined> {
    return this.#call('acquireLease', undefined, () => this.inner.acquireLease(name, holder, durationMs));
  }
  renewLease(lease: Lease, durationMs: number): Promise<Lease> {
    return this.#call('renewLease', undefined, () => this.inner.renewLease(lease, durationMs));
  }
  releaseLease(lease: Lease): Promise<void> {
    return this.#call('releaseLease', undefined, () => this.inner.releaseLease(lease));
  }
  isOpen(): boolean {
    return this.inner.isOpen();
  }
  probe(): Promise<void> {
    return this.#call('probe', undefined, () => this.inner.probe());
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  async #call<R>(operation: StoreOperation, partition: string | undefined, run: () => Promise<R>): Promise<R> {
    if (this.#rule?.(operation, partition)) {
      this.failures.set(operation, (this.failures.get(operation) ?? 0) + 1);
      throw new AppError('internal', `SQLite store ${operation} failed: SQLITE_FULL: database or disk is full`, { details: { operation } });
    }
    return run();
  }
}
