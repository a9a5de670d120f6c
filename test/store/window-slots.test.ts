// "At most N in any hour" by slot rows: exactly N of many attempts at once win, a slot frees when its time leaves
// the window, and only one of several attempts racing for a freed slot takes it.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { WindowSlots } from '../../src/store/window-slots.js';
import { memoryStore } from '../audit/audit-fixtures.js';

let store: SqliteStore;
beforeEach(() => {
  store = memoryStore();
});
afterEach(async () => {
  await store.close();
});

const HOUR = 3_600_000;
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 9) + minutes * 60_000);

describe('window slots', () => {
  it('lets exactly the limit of 30 attempts at once through, per subject', async () => {
    const slots = new WindowSlots(store, 'attempts', HOUR);
    const results = await Promise.all(Array.from({ length: 30 }, () => slots.take('agent:a', 5, at(0))));
    expect(results.filter(Boolean)).toHaveLength(5);
    // Another subject has its own slots.
    expect(await slots.take('agent:b', 5, at(0))).toBe(true);
  });

  it('frees a slot an hour after it was taken, for one of the attempts racing for it', async () => {
    const slots = new WindowSlots(store, 'attempts', HOUR);
    expect(await slots.take('agent:a', 2, at(0))).toBe(true);
    expect(await slots.take('agent:a', 2, at(30))).toBe(true);
    expect(await slots.take('agent:a', 2, at(59))).toBe(false);
    const racing = await Promise.all(Array.from({ length: 10 }, () => slots.take('agent:a', 2, at(61))));
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await slots.take('agent:a', 2, at(91))).toBe(true);
  });

  it('refuses everything when the limit is zero', async () => {
    expect(await new WindowSlots(store, 'attempts', HOUR).take('agent:a', 0, at(0))).toBe(false);
  });
});
