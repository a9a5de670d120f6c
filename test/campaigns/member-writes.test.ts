// Members updated in the same turn share one transaction and one tally delta row, and the tallies stay exactly the sum
// of what every member counts in: when a member changed meanwhile, when one person is changed twice at once, when the
// changes cancel out, and when the store fails.

import { describe, expect, it } from 'vitest';
import { type Campaign, type CampaignMember, CampaignRecords, membersPartition } from '../../src/campaigns/campaign-records.js';
import { type Counts, contribution, sum, TALLY_PREFIX } from '../../src/campaigns/campaign-tallies.js';
import { AzureTableStore } from '../../src/store/azure-table-store.js';
import { BatchingStore } from '../../src/store/batching-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store, StoreWrite } from '../../src/store/store-port.js';
import { useAzurite } from '../support/azurite.js';
import { FaultyStore } from '../support/faulty-store.js';

const azurite = useAzurite();

const CAMPAIGN: Campaign = { id: 'c20260301000000bb', name: 'Gathered', deadline: '2026-12-31', waves: 1, state: 'running', createdAt: '2026-03-01T09:00:00.000Z', createdBy: { id: 'admin' }, targeted: 0, excluded: {} };
const PARTITION = membersPartition(CAMPAIGN.id);
const DELTA = `${TALLY_PREFIX}-delta|`;

function person(n: number): CampaignMember {
  return { userId: `user-${String(n).padStart(3, '0')}`, upn: `u${n}@contoso.example`, displayName: `User ${n}`, department: n % 2 ? 'Sales' : 'Finance', timeZone: 'UTC', wave: 0, state: 'pending', nudges: 0, snoozes: 0, tier: 'everyone' };
}

const reached = (m: CampaignMember): CampaignMember => ({ ...m, state: 'reached', reachedAt: '2026-03-02T09:00:00.000Z', nudges: m.nudges + 1 });

/** Every transaction the store is asked for, with its writes (the store itself answers, after `before`). */
function recording(inner: Store, before: () => Promise<void> = async () => {}): { store: Store; transactions: StoreWrite[][] } {
  const transactions: StoreWrite[][] = [];
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name === 'transact') {
        return async (partition: string, writes: readonly StoreWrite[]) => {
          transactions.push([...writes]);
          await before();
          return target.transact(partition, writes);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, transactions };
}

/** What the tallies must say: every member's contribution, summed (no snoozes here, so no time in it). */
async function recount(store: Store): Promise<Counts> {
  const total: Counts = {};
  for await (const page of new CampaignRecords(store).members(CAMPAIGN.id, 1000)) for (const { value } of page) sum(total, contribution(value));
  return total;
}

async function campaignOf(people: number, store: Store): Promise<CampaignRecords> {
  const records = new CampaignRecords(store);
  await records.addMembers(CAMPAIGN.id, Array.from({ length: people }, (_, n) => person(n)));
  return records;
}

const deltaRows = (writes: StoreWrite[]) => writes.filter((write) => write.key.startsWith(DELTA));

describe('member updates made together', () => {
  it.each([
    ['SQLite', false],
    ['Azure Table (Azurite) behind the batching store', true],
  ])('go as one transaction with one delta row, and the tallies stay exact (%s)', { timeout: 30_000 }, async (_name, azure) => {
    const inner = azure ? new BatchingStore(await AzureTableStore.open({ connectionString: azurite().connectionString, table: `gathered${Date.now()}`, allowInsecureConnection: true })) : SqliteStore.open({ path: ':memory:' });
    const records = await campaignOf(12, inner);
    const { store, transactions } = recording(inner);
    const gathered = new CampaignRecords(store);
    const written = await Promise.all(Array.from({ length: 8 }, (_, n) => gathered.updateMember(CAMPAIGN.id, person(n).userId, reached)));
    expect(written.map((record) => record?.value.state)).toEqual(Array(8).fill('reached'));
    expect(transactions).toHaveLength(1);
    expect(transactions[0]!.filter((write) => write.op === 'update')).toHaveLength(8);
    expect(deltaRows(transactions[0]!)).toHaveLength(1);
    expect(await records.counts(CAMPAIGN.id)).toEqual(await recount(inner));
    // Each caller got its own row back, with the etag its next compare-and-swap needs.
    expect(written[3]!.key).toBe(person(3).userId);
    await expect(inner.update(PARTITION, person(3).userId, written[3]!.value, written[3]!.etag)).resolves.toMatchObject({ key: person(3).userId });
    expect(await records.counts(CAMPAIGN.id)).toEqual(await recount(inner));
  });

  it('apply the others when one member changed meanwhile, and that one after reading it again', async () => {
    const inner = SqliteStore.open({ path: ':memory:' });
    const records = await campaignOf(6, inner);
    // Another instance writes person 2 after the five were read, just before their transaction.
    let interfered = false;
    const { store, transactions } = recording(inner, async () => {
      if (interfered) return;
      interfered = true;
      await records.updateMember(CAMPAIGN.id, person(2).userId, (m) => ({ ...m, department: 'Plant' }));
    });
    const gathered = new CampaignRecords(store);
    let reads = 0;
    const updates = Array.from({ length: 5 }, (_, n) =>
      gathered.updateMember(CAMPAIGN.id, person(n).userId, (m) => {
        reads += 1;
        return reached(m);
      }),
    );
    const written = await Promise.all(updates);
    expect(written.map((record) => record?.value.state)).toEqual(Array(5).fill('reached'));
    // Person 2 kept the other instance's change and got this one on top, after a second read.
    expect((await records.member(CAMPAIGN.id, person(2).userId))?.value).toMatchObject({ department: 'Plant', state: 'reached', nudges: 1 });
    expect(reads).toBe(6);
    // The group failed whole, then each went alone, then person 2 again: no write was applied twice.
    expect(transactions.map((writes) => writes.filter((write) => write.op === 'update').length)).toEqual([5, 1, 1, 1, 1, 1, 1]);
    expect(await records.counts(CAMPAIGN.id)).toEqual(await recount(inner));
  });

  it('apply both changes when one person is changed twice at once', async () => {
    const inner = SqliteStore.open({ path: ':memory:' });
    const records = await campaignOf(3, inner);
    await Promise.all([records.updateMember(CAMPAIGN.id, person(1).userId, reached), records.updateMember(CAMPAIGN.id, person(1).userId, reached), records.updateMember(CAMPAIGN.id, person(2).userId, reached)]);
    expect((await records.member(CAMPAIGN.id, person(1).userId))?.value.nudges).toBe(2);
    expect((await records.member(CAMPAIGN.id, person(2).userId))?.value.nudges).toBe(1);
    expect(await records.counts(CAMPAIGN.id)).toEqual(await recount(inner));
  });

  it('write no delta row when the changes cancel out', async () => {
    const inner = SqliteStore.open({ path: ':memory:' });
    const records = await campaignOf(3, inner);
    await records.updateMember(CAMPAIGN.id, person(0).userId, reached);
    const before = await records.counts(CAMPAIGN.id);
    const { store, transactions } = recording(inner);
    const gathered = new CampaignRecords(store);
    // One leaves "reached" for "pending" as the other (same department, same tier) arrives: every count is where it was.
    await Promise.all([
      gathered.updateMember(CAMPAIGN.id, person(0).userId, (m) => ({ ...m, state: 'pending', reachedAt: undefined })),
      gathered.updateMember(CAMPAIGN.id, person(2).userId, (m) => ({ ...m, state: 'reached', reachedAt: '2026-03-02T09:00:00.000Z' })),
    ]);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]!.map((write) => write.op)).toEqual(['update', 'update']);
    expect(await records.counts(CAMPAIGN.id)).toEqual(before);
    expect(await records.counts(CAMPAIGN.id)).toEqual(await recount(inner));
  });

  it('fail every update of the group when the store fails, and write nothing', async () => {
    const inner = SqliteStore.open({ path: ':memory:' });
    const records = await campaignOf(4, inner);
    const before = await records.counts(CAMPAIGN.id);
    const faulty = new FaultyStore(inner);
    const gathered = new CampaignRecords(faulty);
    faulty.fail((operation) => operation === 'transact');
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, (_, n) => gathered.updateMember(CAMPAIGN.id, person(n).userId, reached)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(4).fill('rejected'));
    expect(faulty.failures.get('transact')).toBe(1);
    for (let n = 0; n < 4; n++) expect((await records.member(CAMPAIGN.id, person(n).userId))?.value.state).toBe('pending');
    expect(await records.counts(CAMPAIGN.id)).toEqual(before);
  });
});
