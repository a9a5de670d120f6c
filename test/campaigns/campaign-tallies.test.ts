// The campaign's figures from its tallies are the figures of counting every member, whatever happened to the members,
// in whatever order, at once from two instances, after folding, and for members written before tallies existed.

import { describe, expect, it } from 'vitest';
import { figuresOf, noFigures, type Figures } from '../../src/campaigns/campaign-figures.js';
import { type Campaign, type CampaignMember, CampaignRecords, membersPartition } from '../../src/campaigns/campaign-records.js';
import { campaignStatus } from '../../src/campaigns/campaign-report.js';
import { firstWeekOf, noVariantCounts, type VariantCounts } from '../../src/campaigns/variant-figures.js';
import { AzureTableStore } from '../../src/store/azure-table-store.js';
import { BatchingStore } from '../../src/store/batching-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store-port.js';
import { useAzurite } from '../support/azurite.js';
import { countIntoVariant } from '../support/campaign-figures.js';

const azurite = useAzurite();

const CAMPAIGN: Campaign = { id: 'c20260101000000aa', name: 'Tallies', deadline: '2026-12-31', waves: 1, state: 'running', createdAt: '2026-01-01T09:00:00.000Z', createdBy: { id: 'admin' }, targeted: 0, excluded: {} };
const NOW = new Date('2026-03-01T12:00:00.000Z');
const DEPARTMENTS = ['Finance', 'Sales', 'Plant | North', ''];

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Every seventh person has no text: a row from before variants, counted in no text's figures. */
const VARIANTS = ['standard', 'security', 'convenience'];
function member(n: number): CampaignMember {
  const variant = n % 7 === 0 ? {} : { variant: VARIANTS[n % VARIANTS.length]! };
  // Every fifth person has no enrolment tier: targeted with one tier configured (or before tiers), counted in no tier.
  const tier = n % 5 === 0 ? {} : { tier: n % 3 === 0 ? 'privileged' : 'everyone' };
  return { userId: `user-${String(n).padStart(4, '0')}`, upn: `u${n}@contoso.example`, displayName: `User ${n}`, department: DEPARTMENTS[n % DEPARTMENTS.length]!, timeZone: 'UTC', wave: 0, state: 'pending', nudges: 0, snoozes: 0, ...variant, ...tier };
}

/** What happens to people in a campaign, each a change a feature makes (any order: the tallies must not care). */
const STEPS: ((m: CampaignMember, pick: () => number) => CampaignMember)[] = [
  (m) => ({ ...m, state: m.state === 'pending' ? 'reached' : m.state, reachedAt: m.reachedAt ?? '2026-02-01T09:00:00.000Z', nudges: m.nudges + 1 }),
  (m) => ({ ...m, state: 'replied', repliedAt: m.repliedAt ?? '2026-02-02T09:00:00.000Z' }),
  (m, pick) => ({ ...m, state: 'replied', snoozes: m.snoozes + 1, snoozedUntil: pick() < 0.5 ? '2026-02-20T09:00:00.000Z' : `2026-03-0${1 + Math.floor(pick() * 5)}T09:00:00.000Z` }),
  (m) => ({ ...m, state: 'refused', refusedAt: '2026-02-03T09:00:00.000Z' }),
  (m, pick) => ({ ...m, state: 'escalated', escalatedAt: '2026-02-04T09:00:00.000Z', decision: pick() < 0.5 ? undefined : 'exception', exceptionGrantedAt: '2026-02-05T09:00:00.000Z' }),
  (m, pick) => ({ ...m, state: 'enrolled', enrolledAt: `2026-02-${String(10 + Math.floor(pick() * 9))}T09:00:00.000Z` }),
  (m, pick) => ({ ...m, state: pick() < 0.5 ? 'unreachable' : 'failed', reason: pick() < 0.5 ? 'removed-app:403' : 'no-teams' }),
  (m, pick) => ({ ...m, expiredAt: m.expiredAt ?? '2026-02-06T09:00:00.000Z', expiredReason: m.expiredReason ?? (pick() < 0.5 ? 'campaign-ended' : 'deadline') }),
  (m) => ({ ...m, state: m.reachedAt ? 'replied' : 'pending', decision: 'require', snoozedUntil: undefined }),
  (m, pick) => ({ ...m, department: DEPARTMENTS[Math.floor(pick() * DEPARTMENTS.length)]! }),
  (m) => ({ ...m, nextNudgeAt: '2026-03-02T09:00:00.000Z', lastNudgeLocalDate: '2026-03-01' }),
  // Reached on another day (a week before NOW or less), so some texts' weeks are over and some are not.
  (m, pick) => ({ ...m, reachedAt: `2026-02-${String(3 + Math.floor(pick() * 24)).padStart(2, '0')}T${String(Math.floor(pick() * 24)).padStart(2, '0')}:00:00.000Z` }),
];

/** The figures as the coach counted them before tallies: every member, read one by one. */
async function counted(store: Store, now = NOW): Promise<ReturnType<typeof shape>> {
  const total = noFigures();
  const variants: Record<string, VariantCounts> = {};
  const departments = new Map<string, Figures>();
  const unreachable: Record<string, number> = {};
  const expired: Record<string, number> = {};
  const enrolledOn: Record<string, number> = {};
  const tiers: Record<string, { targeted: number; enrolled: number }> = {};
  for await (const page of new CampaignRecords(store).members(CAMPAIGN.id, 1000)) {
    for (const { value: m } of page) {
      const figures = departments.get(m.department) ?? noFigures();
      departments.set(m.department, figures);
      for (const id of figuresOf(m, NOW)) {
        total[id] += 1;
        figures[id] += 1;
      }
      if (m.state === 'unreachable' || m.state === 'failed') unreachable[m.reason?.split(':')[0] ?? 'unknown'] = (unreachable[m.reason?.split(':')[0] ?? 'unknown'] ?? 0) + 1;
      if (m.expiredAt) expired[m.expiredReason ?? 'unknown'] = (expired[m.expiredReason ?? 'unknown'] ?? 0) + 1;
      if (m.state === 'enrolled' && m.enrolledAt) enrolledOn[m.enrolledAt.slice(0, 10)] = (enrolledOn[m.enrolledAt.slice(0, 10)] ?? 0) + 1;
      if (m.tier) {
        const inTier = tiers[m.tier] ?? { targeted: 0, enrolled: 0 };
        tiers[m.tier] = inTier;
        inTier.targeted += 1;
        inTier.enrolled += m.state === 'enrolled' ? 1 : 0;
      }
      const week = firstWeekOf(m);
      if (week) {
        const figures = variants[week.variant] ?? noVariantCounts();
        variants[week.variant] = figures;
        countIntoVariant(figures, m, now);
      }
    }
  }
  return { total, byDepartment: Object.fromEntries(departments), unreachable, expired, enrolledByDay: Object.entries(enrolledOn).sort().map(([date, count]) => ({ date, count })), variants, tiers };
}

function shape(status: Awaited<ReturnType<typeof campaignStatus>>) {
  return {
    total: status.total,
    byDepartment: Object.fromEntries(status.byDepartment.map(({ department, figures }) => [department, figures])),
    unreachable: status.unreachable,
    expired: status.expired,
    enrolledByDay: status.enrolledByDay,
    variants: Object.fromEntries(status.variants.filter((variant) => variant.counts.assigned > 0).map((variant) => [variant.id, variant.counts])),
    tiers: Object.fromEntries(status.byTier.map(({ tier, targeted, enrolled }) => [tier, { targeted, enrolled }])),
  };
}

async function play(stores: Store[], people: number, steps: number, seed: number): Promise<void> {
  const pick = random(seed);
  const instances = stores.map((store) => new CampaignRecords(store));
  // Targeting, a page at a time, the second page run twice (a re-run after a crash adds nobody twice).
  const everyone = Array.from({ length: people }, (_, n) => member(n));
  await instances[0]!.addMembers(CAMPAIGN.id, everyone.slice(0, people / 2));
  await instances[0]!.addMembers(CAMPAIGN.id, everyone.slice(people / 2));
  expect(await instances[1]!.addMembers(CAMPAIGN.id, everyone.slice(people / 2 - 3))).toEqual(everyone.slice(people / 2 - 3).map(() => false));
  // Changes in bursts of ten at once, spread over both instances, several on the same person at times.
  for (let done = 0; done < steps; done += 10) {
    await Promise.all(
      Array.from({ length: 10 }, () => {
        const who = everyone[Math.floor(pick() * people)]!.userId;
        const step = STEPS[Math.floor(pick() * STEPS.length)]!;
        const records = instances[Math.floor(pick() * instances.length)]!;
        // The step's own draws come from a source of its own, started afresh on every attempt: a change retried
        // after a lost compare-and-swap is the same change, and the run's draws do not depend on how many retries
        // the store's timing caused.
        const seedOfStep = Math.floor(pick() * 2 ** 31);
        return records.updateMember(CAMPAIGN.id, who, (m) => step(m, random(seedOfStep)));
      }),
    );
  }
  // However the bursts fell, one person with a text was reached within the week before NOW, so the test below
  // always sees a first week end as time passes.
  await instances[1]!.updateMember(CAMPAIGN.id, everyone[1]!.userId, (m) => ({ ...m, reachedAt: '2026-02-25T10:00:00.000Z' }));
}

describe('campaign tallies', () => {
  it.each([
    ['SQLite', 'sqlite', false],
    ['SQLite behind the batching store', 'sqlite', true],
    ['Azure Table (Azurite) behind the batching store', 'azure', true],
  ])('give the figures counting every member gives, after hundreds of changes from two instances (%s)', { timeout: 60_000 }, async (_name, kind, batching) => {
    const open = async (): Promise<Store> => (kind === 'sqlite' ? SqliteStore.open({ path: ':memory:' }) : AzureTableStore.open({ connectionString: azurite().connectionString, table: `tallies${Date.now()}`, allowInsecureConnection: true }));
    const inner = await open();
    const stores: Store[] = batching ? [new BatchingStore(inner), new BatchingStore(inner)] : [inner, inner];
    await play(stores, 60, kind === 'sqlite' ? 600 : 300, 7);
    const records = new CampaignRecords(stores[0]!);
    expect(shape(await campaignStatus(records, CAMPAIGN, NOW))).toEqual(await counted(inner));
    // Read again, after the first read folded most deltas into the base: the same.
    expect(shape(await campaignStatus(records, CAMPAIGN, NOW))).toEqual(await counted(inner));
    const left = await inner.list(membersPartition(CAMPAIGN.id), { keyPrefix: '~tally-delta|', limit: 1000 });
    expect(left.records.length).toBeLessThan(100);
    // Snoozes end as time passes, without a write: a week later nobody is snoozed.
    const later = new Date('2026-03-08T12:00:00.000Z');
    expect((await campaignStatus(records, CAMPAIGN, later)).total.snoozedNow).toBe(0);
    // And more people's first week is over, again without a write: the texts' figures are still a recount's.
    expect(shape(await campaignStatus(records, CAMPAIGN, later)).variants).toEqual((await counted(inner, later)).variants);
    expect(Object.values((await counted(inner, later)).variants).reduce((sum, figures) => sum + figures.weekOver, 0)).toBeGreaterThan(Object.values((await counted(inner)).variants).reduce((sum, figures) => sum + figures.weekOver, 0));
  });

  it('count members written before tallies existed once, at the first read, with changes made meanwhile', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    // What the earlier version wrote: member rows alone.
    for (let n = 0; n < 250; n++) await store.put(membersPartition(CAMPAIGN.id), member(n).userId, { ...member(n), state: n % 3 === 0 ? 'enrolled' : 'reached', reachedAt: '2026-02-01T09:00:00.000Z', ...(n % 3 === 0 ? { enrolledAt: '2026-02-11T09:00:00.000Z' } : {}) });
    const records = new CampaignRecords(store);
    // Changed by this version before anyone read the figures.
    for (let n = 0; n < 20; n++) await records.updateMember(CAMPAIGN.id, member(n).userId, (m) => ({ ...m, state: 'replied', repliedAt: '2026-02-02T09:00:00.000Z', enrolledAt: undefined }));
    await records.addMembers(CAMPAIGN.id, [member(300)]);
    expect(shape(await campaignStatus(records, CAMPAIGN, NOW))).toEqual(await counted(store));
    expect((await campaignStatus(records, CAMPAIGN, NOW)).total.targeted).toBe(251);
    // Later changes move the figures from there.
    await records.updateMember(CAMPAIGN.id, member(1).userId, (m) => ({ ...m, state: 'enrolled', enrolledAt: '2026-02-12T09:00:00.000Z' }));
    expect(shape(await campaignStatus(records, CAMPAIGN, NOW))).toEqual(await counted(store));
  });

  it('fold thousands of deltas in one read, and stay exact', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const records = new CampaignRecords(store);
    await records.addMembers(CAMPAIGN.id, Array.from({ length: 40 }, (_, n) => member(n)));
    for (let round = 0; round < 60; round++) {
      for (let n = 0; n < 40; n++) await records.updateMember(CAMPAIGN.id, member(n).userId, (m) => ({ ...m, state: round % 2 === 0 ? 'reached' : 'replied', reachedAt: '2026-02-01T09:00:00.000Z', repliedAt: round % 2 === 0 ? undefined : '2026-02-02T09:00:00.000Z' }));
    }
    expect(shape(await campaignStatus(records, CAMPAIGN, NOW))).toEqual(await counted(store));
    expect((await store.list(membersPartition(CAMPAIGN.id), { keyPrefix: '~tally-delta|', limit: 1000 })).records).toHaveLength(0);
    expect(shape(await campaignStatus(records, CAMPAIGN, NOW))).toEqual(await counted(store));
  });

  it('add a person listed twice in one page once, and count them once', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const records = new CampaignRecords(store);
    const twice = { ...member(7), displayName: 'listed again' };
    expect(await records.addMembers(CAMPAIGN.id, [member(6), member(7), twice, member(8)])).toEqual([true, true, false, true]);
    expect((await records.member(CAMPAIGN.id, member(7).userId))?.value.displayName).toBe('User 7');
    expect((await campaignStatus(records, CAMPAIGN, NOW)).total.targeted).toBe(3);
  });

  it('leave the members list as it was: the tally rows are not people', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const records = new CampaignRecords(store);
    await records.addMembers(CAMPAIGN.id, [member(1), member(2)]);
    await records.updateMember(CAMPAIGN.id, member(1).userId, (m) => ({ ...m, state: 'reached', reachedAt: '2026-02-01T09:00:00.000Z' }));
    await campaignStatus(records, CAMPAIGN, NOW);
    const listed: string[] = [];
    for await (const page of records.members(CAMPAIGN.id)) listed.push(...page.map((record) => record.key));
    expect(listed).toEqual([member(1).userId, member(2).userId]);
  });
});
