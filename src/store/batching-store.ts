// Calls made together travel together. Point reads and single writes that callers start in the same turn of the event
// loop (the sender working on a batch of messages, turns arriving at once) go to the store as one getMany or one
// transaction per partition instead of one round trip each; so do small transactions (a member's update with its
// tally delta), kept whole inside the larger one. A caller still gets exactly the answer its own call would have had.
// Everything else (lists, getMany and insertMany the caller made itself, leases) passes straight through.
//
// Order is kept: calls touching the same record are never combined, so a read started after a write of the same key
// sees that write. A transaction that fails because one of its writes would fail (a conflict, a key that exists or is
// gone) is replayed call by call, so each caller gets its own outcome and the others are applied. A storage fault
// (`internal`: the disk, the network) fails every call of that transaction, as it would have failed each of them.

import { failsEveryCall, nextTurn } from './gathered-calls.js';
import { type Lease, type ListOptions, MAX_TRANSACTION_WRITES, type RecordPage, type Store, type StoredRecord, type StoreWrite } from './store-port.js';

type Settle<R> = { resolve: (value: R) => void; reject: (error: unknown) => void };

interface PendingRead extends Settle<StoredRecord<unknown> | undefined> {
  kind: 'read';
  partition: string;
  key: string;
}

interface PendingWrite extends Settle<unknown> {
  kind: 'write';
  partition: string;
  /** One write (put, insert, update, delete), or a caller's own transaction (`whole`), which stays all or none. */
  writes: StoreWrite[];
  whole: boolean;
  /** A single delete without an etag succeeds when nothing is there; in a transaction it would fail the whole. */
  missingIsFine: boolean;
}

/** A caller's transaction this small rides along with others; a larger one goes alone. */
const MERGED_TRANSACTION_WRITES = 10;

type Pending = PendingRead | PendingWrite;

export class BatchingStore implements Store {
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(readonly inner: Store) {}

  get<T>(partition: string, key: string): Promise<StoredRecord<T> | undefined> {
    return this.#queue<StoredRecord<T> | undefined>({ kind: 'read', partition, key });
  }

  put<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#queue<StoredRecord<T>>({ kind: 'write', partition, writes: [{ op: 'put', key, value }], whole: false, missingIsFine: false });
  }

  insert<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#queue<StoredRecord<T>>({ kind: 'write', partition, writes: [{ op: 'insert', key, value }], whole: false, missingIsFine: false });
  }

  update<T>(partition: string, key: string, value: T, expectedEtag: string): Promise<StoredRecord<T>> {
    return this.#queue<StoredRecord<T>>({ kind: 'write', partition, writes: [{ op: 'update', key, value, etag: expectedEtag }], whole: false, missingIsFine: false });
  }

  async delete(partition: string, key: string, expectedEtag?: string): Promise<void> {
    // A transaction cannot make a delete conditional: those go alone.
    if (expectedEtag !== undefined) return this.inner.delete(partition, key, expectedEtag);
    await this.#queue({ kind: 'write', partition, writes: [{ op: 'delete', key }], whole: false, missingIsFine: true });
  }

  getMany<T>(partition: string, keys: readonly string[]): Promise<Map<string, StoredRecord<T>>> {
    return this.inner.getMany<T>(partition, keys);
  }

  transact<T>(partition: string, writes: readonly StoreWrite<T>[]): Promise<(StoredRecord<T> | undefined)[]> {
    // Keys the transaction names twice are the inner store's to refuse, as they would be alone.
    const keys = new Set(writes.map((write) => write.key));
    if (writes.length === 0 || writes.length > MERGED_TRANSACTION_WRITES || keys.size < writes.length) return this.inner.transact(partition, writes);
    return this.#queue<(StoredRecord<T> | undefined)[]>({ kind: 'write', partition, writes: [...writes], whole: true, missingIsFine: false });
  }

  insertMany<T>(partition: string, records: readonly { key: string; value: T }[]): Promise<boolean[]> {
    return this.inner.insertMany(partition, records);
  }

  list<T>(partition: string, options?: ListOptions): Promise<RecordPage<T>> {
    return this.inner.list<T>(partition, options);
  }

  acquireLease(name: string, holder: string, durationMs: number): Promise<Lease | undefined> {
    return this.inner.acquireLease(name, holder, durationMs);
  }

  renewLease(lease: Lease, durationMs: number): Promise<Lease> {
    return this.inner.renewLease(lease, durationMs);
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.inner.releaseLease(lease);
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  probe(): Promise<void> {
    return this.inner.probe();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  requestCounts(): Readonly<Record<string, number>> {
    return this.inner.requestCounts?.() ?? {};
  }

  #queue<R>(call: Omit<PendingRead, keyof Settle<unknown>> | Omit<PendingWrite, keyof Settle<unknown>>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ ...call, resolve, reject } as Pending);
      if (this.#scheduled) return;
      this.#scheduled = true;
      nextTurn(() => this.#flush());
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = [];
    // Runs of calls in which no record is touched twice: each run's calls are independent of one another, and a run
    // starts only once the one before it has settled (in order, as the callers started them).
    const runs: Pending[][] = [];
    let run: Pending[] = [];
    let touched = new Set<string>();
    for (const call of pending) {
      const ids = (call.kind === 'read' ? [call.key] : call.writes.map((write) => write.key)).map((key) => `${call.partition}\u0000${key}`);
      if (ids.some((id) => touched.has(id))) {
        runs.push(run);
        run = [];
        touched = new Set();
      }
      for (const id of ids) touched.add(id);
      run.push(call);
    }
    if (run.length > 0) runs.push(run);
    void runs.reduce<Promise<void>>((previous, calls) => previous.then(() => this.#send(calls)).catch(() => undefined), Promise.resolve());
  }

  /** One run: per partition, its reads as getMany and its writes as transactions, all at once. */
  async #send(calls: Pending[]): Promise<void> {
    const reads = new Map<string, PendingRead[]>();
    const writes = new Map<string, PendingWrite[]>();
    for (const call of calls) {
      const groups: Map<string, Pending[]> = call.kind === 'read' ? reads : writes;
      const group = groups.get(call.partition) ?? [];
      group.push(call);
      groups.set(call.partition, group);
    }
    const work: Promise<void>[] = [];
    for (const [partition, group] of reads) for (const slice of slices(group)) work.push(this.#read(partition, slice));
    for (const [partition, group] of writes) for (const slice of writeSlices(group)) work.push(this.#write(partition, slice));
    await Promise.all(work);
  }

  async #read(partition: string, calls: PendingRead[]): Promise<void> {
    const [only] = calls;
    if (calls.length === 1 && only) {
      await this.inner.get(partition, only.key).then(only.resolve, only.reject);
      return;
    }
    try {
      const found = await this.inner.getMany(partition, calls.map((call) => call.key));
      for (const call of calls) call.resolve(found.get(call.key));
    } catch (error) {
      if (failsEveryCall(error)) {
        for (const call of calls) call.reject(error);
        return;
      }
      // A key the store refuses (too long, say): each read on its own, so only that caller hears of it.
      await Promise.all(calls.map((call) => this.inner.get(partition, call.key).then(call.resolve, call.reject)));
    }
  }

  async #write(partition: string, calls: PendingWrite[]): Promise<void> {
    const [only] = calls;
    if (calls.length === 1 && only) {
      await this.#single(partition, only);
      return;
    }
    try {
      const written = await this.inner.transact(partition, calls.flatMap((call) => call.writes));
      let at = 0;
      for (const call of calls) {
        const own = written.slice(at, at + call.writes.length);
        at += call.writes.length;
        call.resolve(call.whole ? own : own[0]);
      }
    } catch (error) {
      // One write could not be applied (or the batch was refused as a whole): each call on its own, for its own answer.
      if (failsEveryCall(error)) {
        for (const call of calls) call.reject(error);
        return;
      }
      await Promise.all(calls.map((call) => this.#single(partition, call)));
    }
  }

  async #single(partition: string, call: PendingWrite): Promise<void> {
    if (call.whole) {
      await this.inner.transact(partition, call.writes).then(call.resolve, call.reject);
      return;
    }
    const [write] = call.writes;
    if (!write) return call.resolve(undefined);
    try {
      if (write.op === 'delete') {
        await this.inner.delete(partition, write.key);
        call.resolve(undefined);
      } else if (write.op === 'put') call.resolve(await this.inner.put(partition, write.key, write.value));
      else if (write.op === 'insert') call.resolve(await this.inner.insert(partition, write.key, write.value));
      else call.resolve(await this.inner.update(partition, write.key, write.value, write.etag));
    } catch (error) {
      call.reject(error);
    }
  }
}

/** Writes in groups a transaction holds (a caller's own transaction never split). */
function writeSlices(calls: PendingWrite[]): PendingWrite[][] {
  const result: PendingWrite[][] = [];
  let slice: PendingWrite[] = [];
  let count = 0;
  for (const call of calls) {
    if (count + call.writes.length > MAX_TRANSACTION_WRITES && slice.length > 0) {
      result.push(slice);
      slice = [];
      count = 0;
    }
    slice.push(call);
    count += call.writes.length;
  }
  if (slice.length > 0) result.push(slice);
  return result;
}

function slices<T>(calls: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < calls.length; start += MAX_TRANSACTION_WRITES) result.push(calls.slice(start, start + MAX_TRANSACTION_WRITES));
  return result;
}
