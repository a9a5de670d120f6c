import { describe, expect, it } from 'vitest';
import { setBounded } from '../../src/shared/bounded-map.js';

describe('setBounded', () => {
  it('keeps at most max entries, letting the least recently set go first', () => {
    const map = new Map<string, number>();
    for (const [index, key] of ['a', 'b', 'c'].entries()) setBounded(map, key, index, 3);
    setBounded(map, 'a', 10, 3); // set again: now the newest
    setBounded(map, 'd', 4, 3);
    expect([...map.entries()]).toEqual([['c', 2], ['a', 10], ['d', 4]]);
  });
});
