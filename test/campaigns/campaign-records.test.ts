// Which campaign is the latest: the one created last, found by one read however many came before, and still found
// when a start crashed between its marker and its record. And a reply: noted once, then not read again for it.

import { describe, expect, it } from 'vitest';
import { CampaignContext, type CampaignsDeps } from '../../src/campaigns/campaign-context.js';
import { type Campaign, type CampaignMember, CampaignRecords } from '../../src/campaigns/campaign-records.js';
import { onReplied } from '../../src/campaigns/people-events.js';
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

describe('a reply to the campaign', () => {
  const member = (userId: string, state: CampaignMember['state'], reachedAt?: string): CampaignMember => ({
    userId,
    upn: `${userId}@example.com`,
    displayName: userId,
    department: 'Sales',
    timeZone: 'UTC',
    wave: 1,
    state,
    nudges: reachedAt ? 1 : 0,
    snoozes: 0,
    ...(reachedAt ? { reachedAt } : {}),
  });

  async function campaignWith(...members: CampaignMember[]) {
    const store = SqliteStore.open({ path: ':memory:' });
    // Only what a reply reads: the store (the rest of the deps are for sending).
    const ctx = new CampaignContext({ store } as unknown as CampaignsDeps);
    await ctx.records.create(campaign('c2026120700000001'));
    for (const one of members) await ctx.records.addMember('c2026120700000001', one);
    const gets = () => store.requestCounts().get ?? 0;
    return { store, ctx, gets };
  }

  it('marks a reached member replied once, and reads them no more for it', async () => {
    const { store, ctx, gets } = await campaignWith(member('u1', 'reached', '2026-12-07T09:00:00.000Z'));
    await onReplied(ctx, 'u1');
    expect((await ctx.records.member('c2026120700000001', 'u1'))?.value.state).toBe('replied');
    const before = gets();
    await onReplied(ctx, 'u1');
    await onReplied(ctx, 'u1');
    expect(gets() - before).toBe(0);
    await store.close();
  });

  it('keeps reading a member not yet reached (their invitation may arrive), and one it finds settled it reads no more', async () => {
    const { store, ctx, gets } = await campaignWith(member('pending', 'pending'), member('enrolled', 'enrolled', '2026-12-07T09:00:00.000Z'));
    await onReplied(ctx, 'pending');
    let before = gets();
    await onReplied(ctx, 'pending');
    expect(gets() - before).toBe(1);
    await onReplied(ctx, 'enrolled');
    before = gets();
    await onReplied(ctx, 'enrolled');
    expect(gets() - before).toBe(0);
    expect((await ctx.records.member('c2026120700000001', 'enrolled'))?.value.state).toBe('enrolled');
    await store.close();
  });

  it('is noted again for a member erased and targeted anew, once the ten minutes are over', async () => {
    const { store, ctx } = await campaignWith(member('u1', 'replied', '2026-12-07T09:00:00.000Z'));
    const start = Date.now();
    await onReplied(ctx, 'u1');
    expect(ctx.replyNoted('c2026120700000001', 'u1', start)).toBe(true);
    expect(ctx.replyNoted('c2026120700000001', 'u1', start + 10 * 60_000 + 1)).toBe(false);
    await store.close();
  });
});
