// Which campaign is the latest: the one created last, found by one read however many came before, and still found
// when a start crashed between its marker and its record.

import { describe, expect, it } from 'vitest';
import { type Campaign, CampaignRecords } from '../../src/campaigns/campaign-records.js';
import type { Store } from '../../src/store/store-port.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const campaign = (id: string): Campaign => ({ id, name: id, deadline: '2026-12-31', waves: 1, state: 'running', createdAt: '2026-01-01T09:00:00.000Z', createdBy: { id: 'admin' }, targeted: 0, excluded: {} });

/** Counts the lists a store is asked for (a scan of the campaigns shows as one). */
function countingLists(store: Store): { store: Store; lists: () => number } {
  let lists = 0;
  const counting = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name === 'list') {
        return (...args: unknown[]) => {
          lists += 1;
          return (value as Store['list']).apply(target, args as Parameters<Store['list']>);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: counting, lists: () => lists };
}

describe('the latest campaign', () => {
  it('is the one created last, active or finished, read without listing those before it', async () => {
    const { store, lists } = countingLists(SqliteStore.open({ path: ':memory:' }));
    const records = new CampaignRecords(store);
    for (const id of ['c2026010100000001', 'c2026010200000002', 'c2026010300000003']) {
      expect(await records.create(campaign(id))).toBeDefined();
      expect((await records.latest())?.value.id).toBe(id);
      await records.update(id, (value) => ({ ...value, state: 'finished' }));
      expect((await records.latest())?.value.state).toBe('finished');
      expect(await records.active()).toBeUndefined();
    }
    expect(lists()).toBe(0);
  });

  it('is found by its key when the marker names a campaign that was never written (a crash during the start)', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const records = new CampaignRecords(store);
    await records.create(campaign('c2026010100000001'));
    await records.update('c2026010100000001', (value) => ({ ...value, state: 'finished' }));
    await store.put('campaigns', '~active', { campaignId: 'c2026010900000009' });
    expect((await records.latest())?.value.id).toBe('c2026010100000001');
    expect(await records.active()).toBeUndefined();
    // And the next start replaces the marker.
    expect(await records.create(campaign('c2026011000000010'))).toBeDefined();
    expect((await records.latest())?.value.id).toBe('c2026011000000010');
  });
});
