// The campaign's figures kept as counts, so the status card, the tab's progress view and the demo's line read a few
// rows instead of every member. Each member counts in some keys (its figures overall and in its department, why it
// could not be reached, why a message expired, the day it enrolled, until when it snoozed, its invitation text's figures
// by the day it was reached, its enrolment tier's targeted and enrolled); every write of a member (or of the members
// updated in one turn, member-writes.ts) inserts, in the same transaction, a delta row of what their keys changed by.
// Deltas never conflict (each has its own key); reading sums the base row and the deltas, and folds them into the base
// from time to time (one transaction: the base compared-and-swapped, the folded deltas deleted), so the counts are
// exact after any crash.

import { randomBytes } from 'node:crypto';
import { isAppError } from '../errors/app-error.js';
import { lostRace } from '../store/cas-update.js';
import type { Store, StoredRecord, StoreWrite } from '../store/store-port.js';
import { MAX_TRANSACTION_WRITES } from '../store/store-port.js';
import { FIGURES, type FigureId, type Figures, figuresOf, noFigures } from './campaign-figures.js';
import { type CampaignMember, NUDGEABLE } from './campaign-records.js';
import { firstWeekOf, noVariantCounts, type VariantCounts, weekIsOver } from './variant-figures.js';

/** Count key → how many members count in it. */
export type Counts = Record<string, number>;

/** Keys of the tally rows; they sort after every member's key (an Entra object id). */
export const TALLY_PREFIX = '~tally';
const BASE_KEY = '~tally';
const DELTA_PREFIX = '~tally-delta|';
/** Set once every member of the campaign is counted (members written before tallies were counted at the first read). */
const COUNTED_KEY = '~tally-counted';
/** Deltas this many or more are folded into the base when read. */
const FOLD_AT = 100;

/**
 * Figures that hold whatever the time; "snoozed now" is counted from until when each member snoozed. A function, not
 * a list made at load: campaign-figures.ts loads campaign-records.ts, which loads this module before FIGURES exists.
 */
const timeless = (id: string): id is FigureId => id !== 'snoozedNow' && (FIGURES as readonly string[]).includes(id);
const EPOCH = new Date(0);

const key = (...parts: string[]) => JSON.stringify(parts);

/** The keys one member counts in, as it is now. */
export function contribution(member: CampaignMember): Counts {
  const counts: Counts = {};
  // A person being erased has left the campaign: their row counts in nothing until it is deleted.
  if (member.erased) return counts;
  const add = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  // At the epoch no snooze has ended: "snoozed now" is left out here and counted from `snoozedUntil` below.
  for (const id of figuresOf(member, EPOCH)) {
    if (id === 'snoozedNow') continue;
    add(key('t', id));
    add(key('d', member.department, id));
  }
  if (NUDGEABLE.has(member.state) && member.snoozedUntil !== undefined) {
    add(key('s', member.snoozedUntil));
    add(key('ds', member.department, member.snoozedUntil));
  }
  if (member.state === 'unreachable' || member.state === 'failed') add(key('u', member.reason?.split(':')[0] ?? 'unknown'));
  if (member.expiredAt) add(key('x', member.expiredReason ?? 'unknown'));
  if (member.state === 'enrolled' && member.enrolledAt) add(key('e', member.enrolledAt.slice(0, 10)));
  // Targeted and enrolled by enrolment tier (members targeted with one tier, or before tiers, have none).
  if (member.tier !== undefined) {
    add(key('r', member.tier, 'targeted'));
    if (member.state === 'enrolled') add(key('r', member.tier, 'enrolled'));
  }
  // Each invitation text's figures, by the day people were reached: "reached a week ago" is then read at any moment.
  const week = firstWeekOf(member);
  if (week) {
    add(key('va', week.variant));
    if (week.reachedDay !== undefined) {
      add(key('vr', week.variant, week.reachedDay));
      if (week.replied) add(key('vp', week.variant, week.reachedDay));
      if (week.enrolled) add(key('ve', week.variant, week.reachedDay));
    }
  }
  return counts;
}

/** What a member's write changes the counts by (empty when nothing it counts in changed). */
export function change(before: CampaignMember | undefined, after: CampaignMember | undefined): Counts {
  const delta: Counts = {};
  if (after) for (const [name, count] of Object.entries(contribution(after))) delta[name] = (delta[name] ?? 0) + count;
  if (before) for (const [name, count] of Object.entries(contribution(before))) delta[name] = (delta[name] ?? 0) - count;
  for (const name of Object.keys(delta)) if (delta[name] === 0) delete delta[name];
  return delta;
}

export function sum(into: Counts, counts: Counts): Counts {
  for (const [name, count] of Object.entries(counts)) {
    const total = (into[name] ?? 0) + count;
    if (total === 0) delete into[name];
    else into[name] = total;
  }
  return into;
}

/** The write that records `delta` beside the member writes it goes with; undefined when there is nothing to record. */
export function deltaWrite(delta: Counts, now = Date.now()): StoreWrite | undefined {
  if (Object.keys(delta).length === 0) return undefined;
  return { op: 'insert', key: `${DELTA_PREFIX}${new Date(now).toISOString()}|${randomBytes(6).toString('hex')}`, value: { counts: delta } };
}

/** The figures as CampaignStatus gives them, at `now` ("snoozed now" counts snoozes that end after it). */
export interface TalliedFigures {
  total: Figures;
  byDepartment: Map<string, Figures>;
  unreachable: Record<string, number>;
  expired: Record<string, number>;
  enrolledOn: Map<string, number>;
  /** Each invitation text's figures at `now` (variant-figures.ts); texts nobody was given are absent. */
  variants: Map<string, VariantCounts>;
  /** People targeted and enrolled per enrolment tier id; tiers nobody is in are absent. */
  byTier: Map<string, TierCounts>;
}

export interface TierCounts {
  targeted: number;
  enrolled: number;
}

export function figuresFrom(counts: Counts, now: Date): TalliedFigures {
  const total = noFigures();
  const byDepartment = new Map<string, Figures>();
  const department = (name: string) => {
    let figures = byDepartment.get(name);
    if (!figures) {
      figures = noFigures();
      byDepartment.set(name, figures);
    }
    return figures;
  };
  const result: TalliedFigures = { total, byDepartment, unreachable: {}, expired: {}, enrolledOn: new Map(), variants: new Map(), byTier: new Map() };
  const variant = (id: string) => {
    let figures = result.variants.get(id);
    if (!figures) {
      figures = noVariantCounts();
      result.variants.set(id, figures);
    }
    return figures;
  };
  for (const [name, count] of Object.entries(counts)) {
    if (count === 0) continue;
    const [kind, a = '', b = ''] = JSON.parse(name) as string[];
    if (kind === 't' && timeless(a)) total[a] += count;
    else if (kind === 'd' && timeless(b)) department(a)[b] += count;
    else if (kind === 's' && Date.parse(a) > now.getTime()) total.snoozedNow += count;
    else if (kind === 'ds' && Date.parse(b) > now.getTime()) department(a).snoozedNow += count;
    else if (kind === 'u') result.unreachable[a] = (result.unreachable[a] ?? 0) + count;
    else if (kind === 'x') result.expired[a] = (result.expired[a] ?? 0) + count;
    else if (kind === 'e') result.enrolledOn.set(a, (result.enrolledOn.get(a) ?? 0) + count);
    else if (kind === 'r' && (b === 'targeted' || b === 'enrolled')) {
      const tier = result.byTier.get(a) ?? { targeted: 0, enrolled: 0 };
      tier[b] += count;
      result.byTier.set(a, tier);
    } else if (kind === 'va') variant(a).assigned += count;
    else if (kind === 'vr') {
      variant(a).reached += count;
      if (weekIsOver(b, now)) variant(a).weekOver += count;
    } else if (kind === 'vp' && weekIsOver(b, now)) variant(a).replied += count;
    else if (kind === 've' && weekIsOver(b, now)) variant(a).enrolled += count;
  }
  for (const [id, tier] of result.byTier) if (tier.targeted === 0) result.byTier.delete(id);
  // A department whose every member left it (moved by a later targeting) counts in nothing.
  for (const [name, figures] of byDepartment) if (figures.targeted === 0) byDepartment.delete(name);
  return result;
}

interface Tally {
  counts: Counts;
}

/** Reads a campaign's counts from its members' partition; counts members written before tallies existed once, first. */
export class CampaignTallies {
  constructor(private readonly store: Store) {}

  /** A new campaign's partition: every member it will have is counted as it is written. */
  async markCounted(partition: string): Promise<void> {
    await this.store.put(partition, COUNTED_KEY, { at: new Date().toISOString() });
  }

  async counts(partition: string, now = Date.now()): Promise<Counts> {
    if (!(await this.store.get(partition, COUNTED_KEY))) await this.#countEarlierMembers(partition);
    const base = await this.store.get<Tally>(partition, BASE_KEY);
    const deltas = await this.#deltas(partition);
    const counts: Counts = { ...base?.value.counts };
    for (const delta of deltas) sum(counts, delta.value.counts);
    if (deltas.length >= FOLD_AT) await this.#fold(partition, base, deltas, now);
    return counts;
  }

  /**
   * Folds the deltas read into the base, oldest first, a transaction at a time (the base compared-and-swapped, those
   * deltas deleted). What is read stays the same sum throughout; another reader folding at once makes this one stop.
   */
  async #fold(partition: string, base: StoredRecord<Tally> | undefined, deltas: StoredRecord<Tally>[], now: number): Promise<void> {
    let current = base;
    for (let start = 0; start < deltas.length; start += MAX_TRANSACTION_WRITES - 1) {
      const folded = deltas.slice(start, start + MAX_TRANSACTION_WRITES - 1);
      const next: Counts = { ...current?.value.counts };
      for (const delta of folded) sum(next, delta.value.counts);
      // Never later than this clock: a reader asking about a future moment must not drop snoozes still running.
      pruneEndedSnoozes(next, Math.min(now, Date.now()));
      const writes: StoreWrite[] = [current ? { op: 'update', key: BASE_KEY, value: { counts: next }, etag: current.etag } : { op: 'insert', key: BASE_KEY, value: { counts: next } }, ...folded.map((delta) => ({ op: 'delete' as const, key: delta.key }))];
      try {
        const [written] = await this.store.transact<unknown>(partition, writes);
        current = written as StoredRecord<Tally>;
      } catch (error) {
        if (lostRace(error)) return;
        throw error;
      }
    }
  }

  async #deltas(partition: string): Promise<StoredRecord<Tally>[]> {
    const found: StoredRecord<Tally>[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.store.list<Tally>(partition, { keyPrefix: DELTA_PREFIX, limit: 1000, continuationToken });
      found.push(...page.records);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return found;
  }

  /** Members written before tallies existed: each counted with a delta, and marked, in one transaction per page. */
  async #countEarlierMembers(partition: string): Promise<void> {
    let continuationToken: string | undefined;
    do {
      const page = await this.store.list<CampaignMember>(partition, { limit: MAX_TRANSACTION_WRITES - 1, continuationToken });
      continuationToken = page.continuationToken;
      const members = page.records.filter((record) => !record.key.startsWith(TALLY_PREFIX) && !record.value.tallied);
      if (members.length === 0) continue;
      const delta: Counts = {};
      for (const member of members) sum(delta, contribution(member.value));
      const writes: StoreWrite[] = members.map((member) => ({ op: 'update', key: member.key, value: { ...member.value, tallied: true }, etag: member.etag }));
      const recorded = deltaWrite(delta);
      if (recorded) writes.push(recorded);
      try {
        await this.store.transact(partition, writes);
      } catch (error) {
        // A member changed meanwhile (and was counted by that write): the page again, from its start.
        if (!isAppError(error, 'store.conflict')) throw error;
        return this.#countEarlierMembers(partition);
      }
    } while (continuationToken);
    await this.store.put(partition, COUNTED_KEY, { at: new Date().toISOString() });
  }
}

/** Snoozes that ended count in nothing from now on (time only moves on): their keys are dropped when folded. */
function pruneEndedSnoozes(counts: Counts, now: number): void {
  for (const name of Object.keys(counts)) {
    const [kind, a = '', b = ''] = JSON.parse(name) as string[];
    if ((kind === 's' && Date.parse(a) <= now) || (kind === 'ds' && Date.parse(b) <= now)) delete counts[name];
  }
}
