// One open X per key: the first claim holds the slot, later ones learn who holds it, only the holder frees it.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { OpenSlots } from '../../src/store/open-slots.js';

let store: SqliteStore;
beforeEach(() => {
  store = SqliteStore.open({ path: ':memory:' });
});
afterEach(async () => {
  await store.close();
});

describe('OpenSlots', () => {
  it('gives the slot to the first claim and names the holder to the others, also when they claim at once', async () => {
    const slots = new OpenSlots(store, 'test-open');
    const results = await Promise.all(['a', 'b', 'c'].map((id) => slots.claim('person-1', id)));
    const winners = results.filter((holder) => holder === undefined);
    expect(winners).toHaveLength(1);
    const holder = await slots.holder('person-1');
    expect(results.filter((result) => result !== undefined)).toEqual([holder, holder]);
    expect(await slots.claim('person-2', 'd')).toBeUndefined();
  });

  it('is freed only by its holder', async () => {
    const slots = new OpenSlots(store, 'test-open');
    await slots.claim('person-1', 'a');
    await slots.release('person-1', 'b');
    expect(await slots.holder('person-1')).toBe('a');
    await slots.release('person-1', 'a');
    expect(await slots.holder('person-1')).toBeUndefined();
    expect(await slots.claim('person-1', 'b')).toBeUndefined();
  });
});
