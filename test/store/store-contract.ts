// The behaviour every Store adapter must have, written only against the port so each adapter runs it unchanged.

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type ErrorCode } from '../../src/errors/app-error.js';
import type { Store, StoredRecord } from '../../src/store/store-port.js';

export interface StoreContractOptions {
  /** Per-test timeout for adapters behind a network emulator; vitest's default otherwise. */
  timeoutMs?: number;
}

/** Resolves to the AppError an operation fails with; fails the test if it succeeds or throws something else. */
export async function appErrorOf(operation: Promise<unknown>): Promise<AppError> {
  let outcome: unknown;
  try {
    await operation;
  } catch (error) {
    outcome = error;
  }
  if (outcome === undefined) throw new Error('expected the operation to fail, but it succeeded');
  if (!(outcome instanceof AppError)) throw new Error(`expected an AppError, got: ${String(outcome)}`);
  return outcome;
}

async function expectCode(operation: Promise<unknown>, ...codes: ErrorCode[]): Promise<AppError> {
  const error = await appErrorOf(operation);
  expect(codes).toContain(error.code);
  return error;
}

const keysOf = (records: StoredRecord<unknown>[]): string[] => records.map((record) => record.key);

/** Fisher–Yates with a fixed seed, so insertion order is scrambled the same way on every run. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  let seed = 42;
  for (let i = copy.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const T0 = Date.UTC(2030, 0, 15, 9, 0, 0);

export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  options: StoreContractOptions = {},
): void {
  describe(`Store contract: ${name}`, { timeout: options.timeoutMs }, () => {
    let store: Store;
    // Fresh names per test keep tests independent even when `open` hands back one shared backing store.
    let partition: string;
    const unique = (label: string) => `${label}-${randomUUID()}`;

    beforeEach(async () => {
      store = await open();
      partition = unique('contract');
    });

    afterEach(async () => {
      vi.useRealTimers();
      await store.close();
    });

    describe('reading and writing', () => {
      it('a value that was put is read back equal, with its partition, key, etag and update time', async () => {
        const value = { name: 'Ada', devices: ['phone', 'key'], enrolled: false, score: 3.5, note: null };
        const written = await store.put(partition, 'user-1', value);
        expect(written).toMatchObject({ partition, key: 'user-1', value });
        expect(written.etag).toEqual(expect.any(String));
        expect(written.etag.length).toBeGreaterThan(0);
        expect(new Date(written.updatedAt).toISOString()).toBe(written.updatedAt);

        const read = await store.get<typeof value>(partition, 'user-1');
        expect(read).toEqual(written);
      });

      it('a key that was never written reads as undefined', async () => {
        expect(await store.get(partition, 'nobody')).toBeUndefined();
      });

      it('a put replaces the whole previous value', async () => {
        await store.put(partition, 'k', { a: 1, b: 2 });
        await store.put(partition, 'k', { c: 3 });
        expect((await store.get(partition, 'k'))?.value).toEqual({ c: 3 });
      });

      it('values are copies: changing what was stored, returned or read does not change the store', async () => {
        const original = { nested: { list: [1, 2, 3] }, label: 'before' };
        const written = await store.put(partition, 'k', original);
        original.nested.list.push(4);
        original.label = 'changed after put';
        written.value.nested.list.push(5);

        const first = await store.get<typeof original>(partition, 'k');
        expect(first?.value).toEqual({ nested: { list: [1, 2, 3] }, label: 'before' });
        first?.value.nested.list.push(6);

        const second = await store.get<typeof original>(partition, 'k');
        expect(second?.value).toEqual({ nested: { list: [1, 2, 3] }, label: 'before' });
      });

      it('JSON values of every shape roundtrip', async () => {
        const values: unknown[] = [null, 0, -12.75, true, false, '', 'text', [], [1, 'two', null], {}, { a: { b: { c: [{}] } } }];
        for (const [index, value] of values.entries()) {
          await store.put(partition, `v${index}`, value);
          expect((await store.get(partition, `v${index}`))?.value).toEqual(value);
        }
      });

      it('every write gives the record a new etag, even when the value is the same', async () => {
        const first = await store.put(partition, 'k', { same: true });
        const second = await store.put(partition, 'k', { same: true });
        const third = await store.update(partition, 'k', { same: true }, second.etag);
        expect(new Set([first.etag, second.etag, third.etag]).size).toBe(3);
        expect((await store.get(partition, 'k'))?.etag).toBe(third.etag);
      });

      it('the update time is a valid ISO-8601 instant that never goes backwards', async () => {
        const first = await store.put(partition, 'k', 1);
        const second = await store.put(partition, 'k', 2);
        for (const record of [first, second]) expect(Number.isNaN(Date.parse(record.updatedAt))).toBe(false);
        expect(Date.parse(second.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.updatedAt));
      });

      it('unicode in partitions, keys and values roundtrips unchanged', async () => {
        const unicodePartition = unique('équipe-東京-🔑');
        const key = 'Zoë/مرحبا/👩🏽‍💻/ключ';
        const value = { text: 'Passkeys 🔐 — «sûr» ✓ 日本語 עברית 😀', combining: 'e\u0301', zeroWidth: 'a\u200db' };
        await store.put(unicodePartition, key, value);
        const read = await store.get(unicodePartition, key);
        expect(read).toMatchObject({ partition: unicodePartition, key, value });
        expect(keysOf((await store.list(unicodePartition)).records)).toEqual([key]);
      });

      it('a value of about 200 KB roundtrips intact', async () => {
        const chunk = 'passkey ✓ 🔑 ';
        const big = { body: chunk.repeat(Math.ceil(200_000 / chunk.length)), items: Array.from({ length: 500 }, (_, i) => i) };
        await store.put(partition, 'big', big);
        const read = await store.get<typeof big>(partition, 'big');
        expect(read?.value.body.length).toBe(big.body.length);
        expect(read?.value).toEqual(big);
      });

      it('a key or partition of exactly 512 characters is accepted', async () => {
        const longPartition = `${partition}-`.padEnd(512, 'p');
        const longKey = 'k'.repeat(512);
        await store.put(longPartition, longKey, 'ok');
        expect((await store.get(longPartition, longKey))?.value).toBe('ok');
      });

      it('an empty or over-long partition or key is refused as a malformed request', async () => {
        const tooLong = 'x'.repeat(513);
        const attempts = ([
          store.put('', 'k', 1),
          store.put(partition, '', 1),
          store.put(tooLong, 'k', 1),
          store.put(partition, tooLong, 1),
          store.get(partition, ''),
          store.insert(partition, tooLong, 1),
          store.delete('', 'k'),
          store.list(''),
        ] as Promise<unknown>[]).map((attempt) => expectCode(attempt, 'request.malformed'));
        for (const error of await Promise.all(attempts)) expect(error.userFault).toBe(true);
        expect((await store.list(partition)).records).toEqual([]);
      });
    });

    describe('conditional writes', () => {
      it('an update with the current etag succeeds and returns the new value and etag', async () => {
        const created = await store.put(partition, 'k', { step: 1 });
        const updated = await store.update(partition, 'k', { step: 2 }, created.etag);
        expect(updated).toMatchObject({ partition, key: 'k', value: { step: 2 } });
        expect(updated.etag).not.toBe(created.etag);
        expect(await store.get(partition, 'k')).toEqual(updated);
      });

      it('a stale write fails with a conflict and changes nothing', async () => {
        const created = await store.put(partition, 'k', { step: 1 });
        const current = await store.update(partition, 'k', { step: 2 }, created.etag);
        await expectCode(store.update(partition, 'k', { step: 'stale' }, created.etag), 'store.conflict');
        expect(await store.get(partition, 'k')).toEqual(current);
      });

      it('of two updates made from the same read, exactly one wins and its value is kept', async () => {
        const read = await store.put(partition, 'decision', { state: 'pending' });
        const outcomes = await Promise.allSettled([
          store.update(partition, 'decision', { state: 'approved' }, read.etag),
          store.update(partition, 'decision', { state: 'denied' }, read.etag),
        ]);
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        const reason: unknown = lost[0]?.reason;
        expect(reason).toBeInstanceOf(AppError);
        expect((reason as AppError).code).toBe('store.conflict');
        expect(await store.get(partition, 'decision')).toEqual(won[0]?.value);
      });

      it('many concurrent updates from one read let exactly one through', async () => {
        const read = await store.put(partition, 'counter', 0);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.update(partition, 'counter', i + 1, read.etag)),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      });

      it('updating a record that does not exist fails and creates nothing', async () => {
        await expectCode(store.update(partition, 'ghost', 1, 'some-etag'), 'store.not-found', 'store.conflict');
        expect(await store.get(partition, 'ghost')).toBeUndefined();
      });

      it('updating a record that was deleted since it was read fails and does not bring it back', async () => {
        const read = await store.put(partition, 'k', 1);
        await store.delete(partition, 'k');
        await expectCode(store.update(partition, 'k', 2, read.etag), 'store.not-found', 'store.conflict');
        expect(await store.get(partition, 'k')).toBeUndefined();
      });

      it('a delete with a stale etag fails with a conflict and keeps the record', async () => {
        const created = await store.put(partition, 'k', 1);
        const current = await store.put(partition, 'k', 2);
        await expectCode(store.delete(partition, 'k', created.etag), 'store.conflict');
        expect(await store.get(partition, 'k')).toEqual(current);
      });

      it('a delete with the current etag removes the record', async () => {
        const created = await store.put(partition, 'k', 1);
        await store.delete(partition, 'k', created.etag);
        expect(await store.get(partition, 'k')).toBeUndefined();
      });

      it('a delete without an etag removes the record whatever its version', async () => {
        await store.put(partition, 'k', 1);
        await store.put(partition, 'k', 2);
        await store.delete(partition, 'k');
        expect(await store.get(partition, 'k')).toBeUndefined();
      });

      it('deleting a missing record without an etag is a no-op', async () => {
        await expect(store.delete(partition, 'never-there')).resolves.toBeUndefined();
        await store.put(partition, 'k', 1);
        await store.delete(partition, 'k');
        await expect(store.delete(partition, 'k')).resolves.toBeUndefined();
      });

      it('deleting a missing record with an etag fails as not-found or conflict', async () => {
        const read = await store.put(partition, 'k', 1);
        await store.delete(partition, 'k');
        await expectCode(store.delete(partition, 'k', read.etag), 'store.not-found', 'store.conflict');
      });

      it('inserting a key twice fails with already-exists and the first value stays', async () => {
        const first = await store.insert(partition, 'once', { by: 'first' });
        expect(first).toMatchObject({ partition, key: 'once', value: { by: 'first' } });
        await expectCode(store.insert(partition, 'once', { by: 'second' }), 'store.already-exists');
        expect(await store.get(partition, 'once')).toEqual(first);
      });

      it('of two concurrent inserts of one key, exactly one succeeds', async () => {
        const outcomes = await Promise.allSettled([
          store.insert(partition, 'idempotency', 'a'),
          store.insert(partition, 'idempotency', 'b'),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const reason: unknown = outcomes.find((outcome) => outcome.status === 'rejected')?.reason;
        expect((reason as AppError).code).toBe('store.already-exists');
      });

      it('an inserted record can be updated with its etag, and re-inserted after it is deleted', async () => {
        const inserted = await store.insert(partition, 'k', 1);
        const updated = await store.update(partition, 'k', 2, inserted.etag);
        await store.delete(partition, 'k', updated.etag);
        const again = await store.insert(partition, 'k', 3);
        expect(await store.get(partition, 'k')).toEqual(again);
      });

      it('insertMany adds the new records of a batch, leaves existing ones as they were, and says which were new', async () => {
        await store.put(partition, 'b', 'old');
        expect(await store.insertMany<unknown>(partition, [{ key: 'a', value: 1 }, { key: 'b', value: 2 }, { key: 'c', value: { three: 3 } }])).toEqual([true, false, true]);
        expect((await store.get(partition, 'b'))?.value).toBe('old');
        expect((await store.get(partition, 'c'))?.value).toEqual({ three: 3 });
        expect(keysOf((await store.list(partition)).records)).toEqual(['a', 'b', 'c']);
        expect(await store.insertMany(partition, [])).toEqual([]);
      });

      it('insertMany over more records than one transaction holds inserts each once, around the ones that exist', async () => {
        const records = Array.from({ length: 250 }, (_, i) => ({ key: `m-${String(i).padStart(3, '0')}`, value: { i } }));
        await store.put(partition, 'm-120', 'there');
        const inserted = await store.insertMany(partition, records);
        expect(inserted.filter(Boolean)).toHaveLength(249);
        expect(inserted[120]).toBe(false);
        let count = 0;
        let continuationToken: string | undefined;
        do {
          const page = await store.list(partition, { limit: 1000, continuationToken });
          count += page.records.length;
          continuationToken = page.continuationToken;
        } while (continuationToken);
        expect(count).toBe(250);
        expect((await store.get(partition, 'm-249'))?.value).toEqual({ i: 249 });
      });

      it('insertMany refuses a key given twice, or an invalid key, as a malformed request, and inserts nothing', async () => {
        for (const records of [[{ key: 'x', value: 1 }, { key: 'x', value: 2 }], [{ key: 'y', value: 1 }, { key: '', value: 2 }]]) {
          const error = await expectCode(store.insertMany(partition, records), 'request.malformed');
          expect(error.userFault).toBe(true);
        }
        expect((await store.list(partition)).records).toEqual([]);
      });

      it('list starts after a given key (one that need not exist), pages on from there, and honours a prefix', async () => {
        for (const key of ['000001', '000002', '000002.actor', '000003', '000010', 'x']) await store.put(partition, key, key);
        expect(keysOf((await store.list(partition, { startAfter: '000002' })).records)).toEqual(['000002.actor', '000003', '000010', 'x']);
        expect(keysOf((await store.list(partition, { startAfter: '000002/' })).records)).toEqual(['000003', '000010', 'x']);
        const first = await store.list(partition, { startAfter: '000001', limit: 2 });
        expect(keysOf(first.records)).toEqual(['000002', '000002.actor']);
        const next = await store.list(partition, { startAfter: '000001', limit: 2, continuationToken: first.continuationToken });
        expect(keysOf(next.records)).toEqual(['000003', '000010']);
        expect(keysOf((await store.list(partition, { startAfter: '000002', keyPrefix: '0000' })).records)).toEqual(['000002.actor', '000003', '000010']);
        expect(keysOf((await store.list(partition, { startAfter: '' })).records)).toHaveLength(6);
        await expectCode(store.list(partition, { startAfter: 'k'.repeat(513) }), 'request.malformed');
      });

      it('getMany reads the records found among many keys of one partition, in any order, and leaves the missing out', async () => {
        const keys = Array.from({ length: 40 }, (_, i) => `person ${String(i).padStart(2, '0')}|é'"`);
        for (const key of keys.filter((_, i) => i % 3 !== 0)) await store.put(partition, key, { key });
        await store.put(unique('elsewhere'), keys[0] ?? '', 'not here');
        const asked = shuffled([...keys, 'never-written']);
        const found = await store.getMany<{ key: string }>(partition, asked);
        expect([...found.keys()].sort()).toEqual(keys.filter((_, i) => i % 3 !== 0).sort());
        for (const [key, record] of found) expect(record).toEqual(await store.get(partition, key));
        expect((await store.getMany(partition, [])).size).toBe(0);
      });

      it('getMany refuses a key given twice, an invalid key, or more keys than a transaction holds', async () => {
        await expectCode(store.getMany(partition, ['a', 'a']), 'request.malformed');
        await expectCode(store.getMany(partition, ['a', '']), 'request.malformed');
        await expectCode(store.getMany(partition, Array.from({ length: 101 }, (_, i) => `k${i}`)), 'request.malformed');
      });

      it('transact applies inserts, puts, compare-and-swaps and deletes of one partition together and returns the new records', async () => {
        const old = await store.put(partition, 'changed', 1);
        await store.put(partition, 'replaced', 'before');
        await store.put(partition, 'removed', 'bye');
        const results = await store.transact<unknown>(partition, [
          { op: 'insert', key: 'new', value: { n: 1 } },
          { op: 'update', key: 'changed', value: 2, etag: old.etag },
          { op: 'put', key: 'replaced', value: 'after' },
          { op: 'put', key: 'fresh', value: 'upserted' },
          { op: 'delete', key: 'removed' },
        ]);
        expect(results[4]).toBeUndefined();
        for (const result of results.slice(0, 4)) expect(result).toEqual(await store.get(partition, result?.key ?? ''));
        expect(results[1]?.etag).not.toBe(old.etag);
        expect(keysOf((await store.list(partition)).records)).toEqual(['changed', 'fresh', 'new', 'replaced']);
        expect(await store.transact(partition, [])).toEqual([]);
        // The etag a transaction returned is the one a later compare-and-swap needs.
        await store.update(partition, 'changed', 3, results[1]?.etag ?? '');
      });

      it('transact applies nothing when one write fails, and fails as that write alone would', async () => {
        const stale = await store.put(partition, 'cas', 1);
        await store.put(partition, 'cas', 2);
        await store.put(partition, 'exists', 'x');
        const untouched = async () => {
          expect(keysOf((await store.list(partition)).records)).toEqual(['cas', 'exists']);
          expect((await store.get(partition, 'cas'))?.value).toBe(2);
        };
        const conflict = await expectCode(store.transact(partition, [{ op: 'insert', key: 'a', value: 1 }, { op: 'update', key: 'cas', value: 3, etag: stale.etag }]), 'store.conflict');
        expect(conflict.details).toMatchObject({ partition, key: 'cas' });
        await untouched();
        const exists = await expectCode(store.transact<unknown>(partition, [{ op: 'put', key: 'b', value: 1 }, { op: 'insert', key: 'exists', value: 'y' }]), 'store.already-exists');
        expect(exists.details).toMatchObject({ key: 'exists' });
        await untouched();
        await expectCode(store.transact(partition, [{ op: 'insert', key: 'c', value: 1 }, { op: 'delete', key: 'gone' }]), 'store.not-found');
        await expectCode(store.transact(partition, [{ op: 'update', key: 'gone', value: 1, etag: stale.etag }]), 'store.not-found', 'store.conflict');
        await untouched();
      });

      it('transact refuses a key given twice, an unknown operation, a missing etag or too many writes, and writes nothing', async () => {
        await expectCode(store.transact(partition, [{ op: 'put', key: 'x', value: 1 }, { op: 'delete', key: 'x' }]), 'request.malformed');
        await expectCode(store.transact(partition, [{ op: 'merge', key: 'x', value: 1 } as never]), 'request.malformed');
        await expectCode(store.transact(partition, [{ op: 'update', key: 'x', value: 1 } as never]), 'request.malformed');
        await expectCode(store.transact(partition, Array.from({ length: 101 }, (_, i) => ({ op: 'put' as const, key: `k${i}`, value: i }))), 'request.malformed');
        expect((await store.list(partition)).records).toEqual([]);
      });

      it('transact writes a full transaction of 100 in one go', async () => {
        const writes = Array.from({ length: 100 }, (_, i) => ({ op: 'insert' as const, key: `t-${String(i).padStart(3, '0')}`, value: { i, text: 'ü'.repeat(50) } }));
        const results = await store.transact(partition, writes);
        expect(results).toHaveLength(100);
        expect((await store.list(partition, { limit: 1000 })).records).toHaveLength(100);
        const found = await store.getMany(partition, writes.map((write) => write.key));
        expect(found.get('t-099')?.value).toEqual({ i: 99, text: 'ü'.repeat(50) });
      });

      it('the same key in two partitions holds two independent records', async () => {
        const other = unique('other');
        const mine = await store.put(partition, 'shared-key', 'mine');
        await store.put(other, 'shared-key', 'theirs');
        await store.put(other, 'only-theirs', 'theirs');
        const inserted = await store.insert(partition, 'only-theirs', 'mine too');

        await store.delete(other, 'shared-key');
        expect(await store.get(partition, 'shared-key')).toEqual(mine);
        expect(await store.get(partition, 'only-theirs')).toEqual(inserted);
        expect(keysOf((await store.list(partition)).records)).toEqual(['only-theirs', 'shared-key']);
        expect(keysOf((await store.list(other)).records)).toEqual(['only-theirs']);
        expect((await store.get(other, 'only-theirs'))?.value).toBe('theirs');
      });
    });

    describe('listing', () => {
      it('lists a partition in ascending key order whatever the insertion order', async () => {
        const keys = ['b', 'a', 'c-2', 'c-10', 'A', 'aa', '0', 'z', 'c-1'];
        for (const key of keys) await store.put(partition, key, { key });
        const page = await store.list<{ key: string }>(partition);
        expect(keysOf(page.records)).toEqual(['0', 'A', 'a', 'aa', 'b', 'c-1', 'c-10', 'c-2', 'z']);
        for (const record of page.records) {
          expect(record.value.key).toBe(record.key);
          expect(record.partition).toBe(partition);
          expect(await store.get(partition, record.key)).toEqual(record);
        }
        expect(page.continuationToken).toBeUndefined();
      });

      it('an empty partition lists as an empty page without a continuation token', async () => {
        expect(await store.list(partition)).toEqual({ records: [] });
      });

      it('a key prefix matches literally, even when keys contain % _ and /', async () => {
        const keys = ['a%b/1', 'a%b/2', 'a%b', 'a%', 'axb/1', 'a_b/1', 'aab/1', 'a/x', 'b%b/1', 'A%b/1', 'a%b0'];
        for (const key of keys) await store.put(partition, key, key);
        const listed = async (keyPrefix: string) => keysOf((await store.list(partition, { keyPrefix })).records);
        expect(await listed('a%b/')).toEqual(['a%b/1', 'a%b/2']);
        expect(await listed('a%')).toEqual(['a%', 'a%b', 'a%b/1', 'a%b/2', 'a%b0']);
        expect(await listed('a_')).toEqual(['a_b/1']);
        expect(await listed('a/')).toEqual(['a/x']);
        expect(await listed('a%b/1')).toEqual(['a%b/1']);
        expect(await listed('nothing-here')).toEqual([]);
        expect(await listed('')).toHaveLength(keys.length);
      });

      it('a key prefix also finds keys whose next character is outside the Basic Multilingual Plane', async () => {
        const inside = ['café/z', 'café/\uffff', 'café/😀', 'café/𝔘𝔫𝔦', 'café/'];
        const outside = ['café0', 'cafe/x', 'café', 'cafè/x'];
        for (const key of [...inside, ...outside]) await store.put(partition, key, key);
        const page = await store.list(partition, { keyPrefix: 'café/' });
        expect(keysOf(page.records).sort()).toEqual([...inside].sort());
      });

      it('pages of 100 over 250 records return each record once, in order, with a token only while more remain', async () => {
        const keys = Array.from({ length: 250 }, (_, i) => `item-${String(i).padStart(3, '0')}`);
        for (const key of shuffled(keys)) await store.put(partition, key, { key });

        const pages: string[][] = [];
        let token: string | undefined;
        do {
          const page = await store.list(partition, { limit: 100, continuationToken: token });
          pages.push(keysOf(page.records));
          token = page.continuationToken;
          if (token !== undefined) expect(token).toEqual(expect.any(String));
        } while (token !== undefined && pages.length < 10);

        expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
        expect(pages.flat()).toEqual(keys);
      });

      it('when the last page is exactly full, it carries no continuation token', async () => {
        for (const key of ['d', 'a', 'c', 'b']) await store.put(partition, key, key);
        const first = await store.list(partition, { limit: 2 });
        expect(keysOf(first.records)).toEqual(['a', 'b']);
        expect(first.continuationToken).toEqual(expect.any(String));
        const second = await store.list(partition, { limit: 2, continuationToken: first.continuationToken });
        expect(keysOf(second.records)).toEqual(['c', 'd']);
        expect(second.continuationToken).toBeUndefined();
      });

      it('paging honours the key prefix on every page', async () => {
        const wanted = Array.from({ length: 7 }, (_, i) => `job/${i}`);
        for (const key of shuffled([...wanted, 'jo', 'job', 'jobs/1', 'joc/1', 'a', 'z'])) await store.put(partition, key, 1);
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await store.list(partition, { keyPrefix: 'job/', limit: 3, continuationToken: token });
          seen.push(...keysOf(page.records));
          token = page.continuationToken;
          pages++;
        } while (token !== undefined && pages < 10);
        expect(pages).toBe(3);
        expect(seen).toEqual(wanted);
      });

      it('the default page size is 100 and the largest allowed is 1000', async () => {
        const keys = Array.from({ length: 120 }, (_, i) => `k${String(i).padStart(3, '0')}`);
        for (const key of keys) await store.put(partition, key, 1);
        const byDefault = await store.list(partition);
        expect(byDefault.records).toHaveLength(100);
        expect(byDefault.continuationToken).toEqual(expect.any(String));
        const largest = await store.list(partition, { limit: 1000 });
        expect(keysOf(largest.records)).toEqual(keys);
        expect(largest.continuationToken).toBeUndefined();
        expect((await store.list(partition, { limit: 1 })).records).toHaveLength(1);
      });

      it('a page size outside 1..1000 or not a whole number is refused', async () => {
        await store.put(partition, 'k', 1);
        for (const limit of [0, -1, 1001, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          const error = await expectCode(store.list(partition, { limit }), 'request.malformed');
          expect(error.userFault).toBe(true);
        }
      });

      it('a forged or corrupted continuation token is refused as a malformed request', async () => {
        for (const key of ['a', 'b', 'c']) await store.put(partition, key, key);
        const real = (await store.list(partition, { limit: 1 })).continuationToken ?? '';
        const forged = ['definitely not a token!', Buffer.from('hello').toString('base64url'), `${real}@`, `%${real}`];
        for (const continuationToken of forged) {
          const error = await expectCode(store.list(partition, { limit: 1, continuationToken }), 'request.malformed');
          expect(error.userFault).toBe(true);
        }
      });
    });

    describe('leases', () => {
      const minute = 60_000;
      let leaseName: string;

      beforeEach(() => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(T0);
        leaseName = unique('lease');
      });

      it('a free lease is granted to the first holder, with a token and an expiry one duration away', async () => {
        const lease = await store.acquireLease(leaseName, 'worker-a', minute);
        expect(lease).toMatchObject({ name: leaseName, holder: 'worker-a', expiresAt: new Date(T0 + minute).toISOString() });
        expect(lease?.token).toEqual(expect.any(String));
      });

      it('a lease held by A is refused to B until it expires, and then B gets it', async () => {
        const a = await store.acquireLease(leaseName, 'worker-a', minute);
        expect(a?.holder).toBe('worker-a');
        vi.advanceTimersByTime(minute - 1);
        expect(await store.acquireLease(leaseName, 'worker-b', minute)).toBeUndefined();
        vi.advanceTimersByTime(2);
        const b = await store.acquireLease(leaseName, 'worker-b', minute);
        expect(b).toMatchObject({ name: leaseName, holder: 'worker-b', expiresAt: new Date(T0 + 2 * minute + 1).toISOString() });
        expect(b?.token).not.toBe(a?.token);
      });

      it('A cannot renew a lease that B took after it expired', async () => {
        const a = await store.acquireLease(leaseName, 'worker-a', minute);
        vi.advanceTimersByTime(minute + 1);
        expect((await store.acquireLease(leaseName, 'worker-b', minute))?.holder).toBe('worker-b');
        if (a === undefined) throw new Error('A should have got the free lease');
        await expectCode(store.renewLease(a, minute), 'store.lease-held');
      });

      it('A releasing a lease it lost leaves B holding it', async () => {
        const a = await store.acquireLease(leaseName, 'worker-a', minute);
        vi.advanceTimersByTime(minute + 1);
        const b = await store.acquireLease(leaseName, 'worker-b', minute);
        if (a === undefined || b === undefined) throw new Error('both workers should have had the lease in turn');
        await expect(store.releaseLease(a)).resolves.toBeUndefined();
        expect(await store.acquireLease(leaseName, 'worker-c', minute)).toBeUndefined();
        expect((await store.renewLease(b, minute)).holder).toBe('worker-b');
      });

      it('the holder renews before expiry: new token, later expiry, and the old token stops working', async () => {
        const first = await store.acquireLease(leaseName, 'worker-a', minute);
        if (first === undefined) throw new Error('the free lease should have been granted');
        vi.advanceTimersByTime(minute / 2);
        const renewed = await store.renewLease(first, minute);
        expect(renewed).toMatchObject({ name: leaseName, holder: 'worker-a', expiresAt: new Date(T0 + minute / 2 + minute).toISOString() });
        expect(renewed.token).not.toBe(first.token);
        await expectCode(store.renewLease(first, minute), 'store.lease-held');

        vi.advanceTimersByTime(minute - 1);
        expect(await store.acquireLease(leaseName, 'worker-b', minute)).toBeUndefined();
      });

      it('a lease that expired cannot be renewed, even when nobody took it', async () => {
        const lease = await store.acquireLease(leaseName, 'worker-a', minute);
        if (lease === undefined) throw new Error('the free lease should have been granted');
        vi.advanceTimersByTime(minute + 1);
        await expectCode(store.renewLease(lease, minute), 'store.lease-held');
      });

      it('the same holder acquiring again extends the lease with a new token', async () => {
        const first = await store.acquireLease(leaseName, 'worker-a', minute);
        vi.advanceTimersByTime(minute / 2);
        const again = await store.acquireLease(leaseName, 'worker-a', minute);
        expect(again).toMatchObject({ holder: 'worker-a', expiresAt: new Date(T0 + minute / 2 + minute).toISOString() });
        expect(again?.token).not.toBe(first?.token);
        vi.advanceTimersByTime(minute - 1);
        expect(await store.acquireLease(leaseName, 'worker-b', minute)).toBeUndefined();
      });

      it('a released lease can be taken at once by someone else', async () => {
        const a = await store.acquireLease(leaseName, 'worker-a', minute);
        if (a === undefined) throw new Error('the free lease should have been granted');
        await store.releaseLease(a);
        expect((await store.acquireLease(leaseName, 'worker-b', minute))?.holder).toBe('worker-b');
        await expect(store.releaseLease(a)).resolves.toBeUndefined();
      });

      it('leases with different names do not block each other', async () => {
        const other = unique('other-lease');
        expect((await store.acquireLease(leaseName, 'worker-a', minute))?.holder).toBe('worker-a');
        expect((await store.acquireLease(other, 'worker-b', minute))?.holder).toBe('worker-b');
        expect(await store.acquireLease(leaseName, 'worker-b', minute)).toBeUndefined();
      });

      it('of two workers racing for a free lease, exactly one gets it', async () => {
        const results = await Promise.all([
          store.acquireLease(leaseName, 'worker-a', minute),
          store.acquireLease(leaseName, 'worker-b', minute),
        ]);
        expect(results.filter((lease) => lease !== undefined)).toHaveLength(1);
      });
    });

    describe('closing', () => {
      it('is open until closed; afterwards every operation fails with an AppError, and closing again is harmless', async () => {
        await store.put(partition, 'k', 1);
        expect(store.isOpen()).toBe(true);
        await store.close();
        expect(store.isOpen()).toBe(false);
        await expect(store.close()).resolves.toBeUndefined();

        const lease = { name: 'l', holder: 'h', token: 't', expiresAt: new Date().toISOString() };
        // Each one watched from the start: some adapters answer at once, others a moment later.
        const attempts: Promise<unknown>[] = [
          store.get(partition, 'k'),
          store.put(partition, 'k', 2),
          store.insert(partition, 'k2', 2),
          store.update(partition, 'k', 2, 'etag'),
          store.delete(partition, 'k'),
          store.list(partition),
          store.acquireLease('l', 'h', 1000),
          store.renewLease(lease, 1000),
          store.releaseLease(lease),
          store.probe(),
        ].map((attempt) => appErrorOf(attempt));
        await Promise.all(attempts);
      });

      it('probes with a write and a read that leave every partition a feature reads alone', async () => {
        await store.put(partition, 'k', 1);
        await expect(store.probe()).resolves.toBeUndefined();
        await expect(store.probe()).resolves.toBeUndefined();
        expect(keysOf((await store.list(partition)).records)).toEqual(['k']);
      });
    });
  });
}
