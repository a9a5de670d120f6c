// The batching store: calls started together reach the store as one getMany or one transaction per partition, and
// every caller still gets the answer its own call would have had (the contract runs over it in the adapters' tests).

import { afterEach, describe, expect, it } from 'vitest';
import { BatchingStore } from '../../src/store/batching-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { appErrorOf } from './store-contract.js';

const opened: SqliteStore[] = [];
function stores(): { inner: SqliteStore; store: BatchingStore; requests: () => Record<string, number> } {
  const inner = SqliteStore.open({ path: ':memory:' });
  opened.push(inner);
  const before = { ...inner.requestCounts() };
  return { inner, store: new BatchingStore(inner), requests: () => Object.fromEntries(Object.entries(inner.requestCounts()).map(([kind, count]) => [kind, count - (before[kind] ?? 0)]).filter(([, count]) => count !== 0)) };
}

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describe('BatchingStore', () => {
  it('reads started together in one partition are one getMany; other partitions and lone reads go their own way', async () => {
    const { inner, store, requests } = stores();
    for (let i = 0; i < 30; i++) await inner.put('people', `p${i}`, { i });
    await inner.put('chats', 'p1', 'chat');
    const base = requests();
    const [people, chat, missing] = await Promise.all([Promise.all(Array.from({ length: 30 }, (_, i) => store.get<{ i: number }>('people', `p${i}`))), store.get('chats', 'p1'), store.get('chats', 'nobody')]);
    expect(people.map((record) => record?.value.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(chat?.value).toBe('chat');
    expect(missing).toBeUndefined();
    const spent = requests();
    expect((spent.getMany ?? 0) - (base.getMany ?? 0)).toBe(2);
    expect((spent.get ?? 0) - (base.get ?? 0)).toBe(0);
    expect((await store.get<{ i: number }>('people', 'p3'))?.value).toEqual({ i: 3 });
    expect(requests().get).toBe(1);
  });

  it('writes started together in one partition are one transaction, and each caller gets its own record', async () => {
    const { inner, store, requests } = stores();
    const old = await inner.put('p', 'cas', 1);
    await inner.put('p', 'gone-soon', 1);
    const [inserted, put, updated, deleted] = await Promise.all([store.insert('p', 'a', 'A'), store.put('p', 'b', 'B'), store.update('p', 'cas', 2, old.etag), store.delete('p', 'gone-soon')]);
    expect(requests()).toMatchObject({ transact: 1 });
    expect(requests().insert).toBeUndefined();
    expect(inserted).toEqual(await inner.get('p', 'a'));
    expect(put).toEqual(await inner.get('p', 'b'));
    expect(updated).toEqual(await inner.get('p', 'cas'));
    expect(deleted).toBeUndefined();
    expect(await inner.get('p', 'gone-soon')).toBeUndefined();
  });

  it("small transactions started together travel in one, each kept whole: a failing one fails alone, as all of it", async () => {
    const { inner, store, requests } = stores();
    const stale = await inner.put('p', 'm1', 1);
    await inner.put('p', 'm1', 2);
    const current = await inner.put('p', 'm2', 1);
    const base = requests().transact ?? 0;
    const together = await Promise.all([
      store.transact<unknown>('p', [{ op: 'update', key: 'm2', value: 2, etag: current.etag }, { op: 'insert', key: 'delta-a', value: 'a' }]),
      store.put('p', 'other', 'o'),
      store.transact<unknown>('p', [{ op: 'insert', key: 'delta-b', value: 'b' }, { op: 'put', key: 'm3', value: 3 }]),
    ]);
    expect((requests().transact ?? 0) - base).toBe(1);
    expect(together[0]).toEqual([await inner.get('p', 'm2'), await inner.get('p', 'delta-a')]);
    expect(together[1]).toEqual(await inner.get('p', 'other'));
    expect(together[2]).toEqual([await inner.get('p', 'delta-b'), await inner.get('p', 'm3')]);
    // One whose compare-and-swap fails: none of its writes land, the others' all do.
    const outcomes = await Promise.allSettled([
      store.transact<unknown>('p', [{ op: 'update', key: 'm1', value: 3, etag: stale.etag }, { op: 'insert', key: 'delta-c', value: 'c' }]),
      store.transact<unknown>('p', [{ op: 'insert', key: 'delta-d', value: 'd' }, { op: 'put', key: 'm4', value: 4 }]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'store.conflict' });
    expect(await inner.get('p', 'delta-c')).toBeUndefined();
    expect((await inner.get('p', 'm1'))?.value).toBe(2);
    expect((await inner.get('p', 'delta-d'))?.value).toBe('d');
    expect((await inner.get('p', 'm4'))?.value).toBe(4);
  });

  it('when one write of a batch would fail, the others are applied and only its caller hears of it', async () => {
    const { inner, store } = stores();
    const stale = await inner.put('p', 'cas', 1);
    await inner.put('p', 'cas', 2);
    await inner.put('p', 'taken', 'x');
    const outcomes = await Promise.allSettled([store.update('p', 'cas', 3, stale.etag), store.insert('p', 'taken', 'y'), store.insert('p', 'fresh', 'z'), store.delete('p', 'never-there')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'store.conflict' });
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'store.already-exists' });
    expect((await inner.get('p', 'fresh'))?.value).toBe('z');
    expect((await inner.get('p', 'cas'))?.value).toBe(2);
  });

  it('keeps the order of calls on one record: a read started after a write sees it, two writes apply in turn', async () => {
    const { inner, store } = stores();
    const writes = [store.put('p', 'k', 1), store.get<number>('p', 'k'), store.put('p', 'k', 2), store.get<number>('p', 'k'), store.delete('p', 'k'), store.get('p', 'k')];
    const [, first, , second, , last] = await Promise.all(writes);
    expect((first as { value: number }).value).toBe(1);
    expect((second as { value: number }).value).toBe(2);
    expect(last).toBeUndefined();
    expect(await inner.get('p', 'k')).toBeUndefined();
  });

  it('a key the store refuses fails only its own read or write', async () => {
    const { inner, store } = stores();
    await inner.put('p', 'fine', 1);
    const [bad, fine] = await Promise.allSettled([store.get('p', 'x'.repeat(600)), store.get<number>('p', 'fine')]);
    expect(bad.status).toBe('rejected');
    expect(fine).toMatchObject({ status: 'fulfilled', value: { value: 1 } });
    const [badWrite, goodWrite] = await Promise.allSettled([store.put('p', '', 1), store.put('p', 'ok', 2)]);
    expect(badWrite.status).toBe('rejected');
    expect(goodWrite.status).toBe('fulfilled');
  });

  it('a storage fault fails every call it carried, and the store works again once it is back', async () => {
    const { inner, store } = stores();
    await inner.close();
    const outcomes = await Promise.allSettled([store.put('p', 'a', 1), store.put('p', 'b', 2), store.get('p', 'a'), store.get('p', 'b')]);
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    const error = await appErrorOf(store.get('p', 'a'));
    expect(error.code).toBe('internal');
  });
});
