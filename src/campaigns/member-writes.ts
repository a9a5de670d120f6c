// Member updates that change the campaign's tallies, gathered: those started in the same turn of the event loop on
// one campaign go as one transaction with ONE delta row, their sum, instead of a delta row each. The sender settles
// several outcomes at once, targeting marks a page of people enrolled: every person's write used to add a row to the
// members partition (and the fold a delete later), the campaign's busiest partition; now a group adds one.
//
// Exactness is unchanged: the updates and their summed delta commit together or not at all. When the group's
// transaction fails because one of its writes would fail (a member changed meanwhile: its etag no longer matches),
// each write is tried on its own with its own delta, so each caller gets its own outcome (a conflict sends that caller
// back to re-read) and the others are applied. A storage fault fails every write of the group, as it would each alone.

import { failsEveryCall, nextTurn } from '../store/gathered-calls.js';
import { MAX_TRANSACTION_WRITES, type Store, type StoredRecord, type StoreWrite } from '../store/store-port.js';
import { type Counts, deltaWrite, sum } from './campaign-tallies.js';

interface MemberWrite {
  key: string;
  value: unknown;
  etag: string;
  delta: Counts;
  resolve: (record: StoredRecord<unknown>) => void;
  reject: (error: unknown) => void;
}

/** One gatherer per store, so every CampaignRecords over that store gathers into the same groups. */
const gatherers = new WeakMap<Store, MemberWrites>();

export function memberWritesOf(store: Store): MemberWrites {
  let gatherer = gatherers.get(store);
  if (!gatherer) {
    gatherer = new MemberWrites(store);
    gatherers.set(store, gatherer);
  }
  return gatherer;
}

export class MemberWrites {
  #pending = new Map<string, MemberWrite[]>();
  #scheduled = false;

  constructor(private readonly store: Store) {}

  /** Updates `key` if its etag still matches, recording `delta` (not empty) in the tallies with it. */
  update<T>(partition: string, key: string, value: T, etag: string, delta: Counts): Promise<StoredRecord<T>> {
    return new Promise<StoredRecord<T>>((resolve, reject) => {
      const writes = this.#pending.get(partition) ?? [];
      writes.push({ key, value, etag, delta, resolve: resolve as (record: StoredRecord<unknown>) => void, reject });
      this.#pending.set(partition, writes);
      if (!this.#scheduled) {
        this.#scheduled = true;
        nextTurn(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [partition, writes] of pending) for (const group of groupsOf(writes)) void this.#commit(partition, group);
  }

  async #commit(partition: string, group: MemberWrite[]): Promise<void> {
    const [only] = group;
    if (group.length === 1 && only) return this.#alone(partition, only);
    const delta: Counts = {};
    for (const write of group) sum(delta, write.delta);
    const writes: StoreWrite[] = group.map((write) => ({ op: 'update', key: write.key, value: write.value, etag: write.etag }));
    // The deltas can cancel out (one person in, another out of the same figures): then no delta row at all.
    const counted = deltaWrite(delta);
    if (counted) writes.push(counted);
    let written: (StoredRecord<unknown> | undefined)[];
    try {
      written = await this.store.transact(partition, writes);
    } catch (error) {
      if (failsEveryCall(error)) {
        for (const write of group) write.reject(error);
        return;
      }
      await Promise.all(group.map((write) => this.#alone(partition, write)));
      return;
    }
    for (const [index, write] of group.entries()) write.resolve(written[index] as StoredRecord<unknown>);
  }

  async #alone(partition: string, write: MemberWrite): Promise<void> {
    const update: StoreWrite = { op: 'update', key: write.key, value: write.value, etag: write.etag };
    const counted = deltaWrite(write.delta);
    try {
      const [written] = await this.store.transact(partition, counted ? [update, counted] : [update]);
      write.resolve(written as StoredRecord<unknown>);
    } catch (error) {
      write.reject(error);
    }
  }
}

/**
 * Groups a transaction holds (its updates and one delta row), a key at most once in each: a second write of the same
 * member in one turn goes in another group, where its etag decides it as it would have alone.
 */
function groupsOf(writes: MemberWrite[]): MemberWrite[][] {
  const groups: { writes: MemberWrite[]; keys: Set<string> }[] = [];
  for (const write of writes) {
    let group = groups.find((candidate) => candidate.writes.length < MAX_TRANSACTION_WRITES - 1 && !candidate.keys.has(write.key));
    if (!group) {
      group = { writes: [], keys: new Set() };
      groups.push(group);
    }
    group.writes.push(write);
    group.keys.add(write.key);
  }
  return groups.map((group) => group.writes);
}
