// The daily check that erases people who left: it asks Entra about everyone the coach holds data about (in batches,
// a bounded share each day, on one instance at a time under a lease) and erases a deleted account at once and a
// disabled one after ERASE_AFTER_DISABLED_DAYS, counted from the first check that saw it disabled (Graph does not say
// since when an account is disabled), so leave and suspension are not erasure.

import type { AccountState, Directory } from '../directory/directory-port.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { addCounts, type ErasureCounts } from '../shared/erased.js';
import { HeldLease } from '../store/held-lease.js';
import type { Store } from '../store/store-port.js';
import { ERASURE_WATCH_PARTITION, type ErasureReason, type ErasureResult } from './erasure.js';
import { type WalkPlace, walkPeople } from './people-walk.js';

/** The place the walk goes on from; sorts before every object id in the watch partition. */
const PLACE_KEY = '~place';
const LEASE = 'privacy-erasure';
const LEASE_MS = 10 * 60_000;
const DAY_MS = 24 * 3600_000;
/** People asked about per Graph round (five `$batch` calls). */
const CHUNK = 100;
/**
 * An account Graph does not know at all (not even in the recycle bin) is erased when a check a day later still does
 * not: one wrong answer, or a Graph pointed at the wrong tenant for a moment, erases no one.
 */
const GONE_CONFIRM_MS = DAY_MS;
/** A round of this many or more in which Graph knows nobody is a wrong tenant or a broken Graph, not a mass departure. */
const IMPLAUSIBLE_GONE = 20;

interface Watch {
  /** The first check that saw the account in this state. */
  since: string;
  state: 'disabled' | 'gone';
}

export interface ScheduleDeps {
  store: Store;
  directory: Directory;
  erase(objectId: string, reason: ErasureReason): Promise<ErasureResult>;
  afterDisabledDays: number;
  instanceId: string;
  logger: Logger;
  now?: () => Date;
  /** Distinct people asked about per run, besides the accounts already watched (default 20 000). */
  peoplePerRun?: number;
}

export interface ErasureRunSummary {
  /** Another instance holds the lease and runs it. */
  heldElsewhere?: true;
  checked: number;
  erasedPeople: number;
  erased: ErasureCounts;
  /** Accounts disabled (or not found) and waiting for their time. */
  watching: number;
  /** The walk reached the end of everyone: the next run starts a new round. */
  roundFinished: boolean;
}

export class ScheduledErasure {
  constructor(private readonly deps: ScheduleDeps) {}

  async run(): Promise<ErasureRunSummary> {
    const { store, instanceId, logger } = this.deps;
    const lease = await HeldLease.take({ store, name: LEASE, holder: instanceId, durationMs: LEASE_MS, logger });
    if (!lease) return { heldElsewhere: true, checked: 0, erasedPeople: 0, erased: {}, watching: 0, roundFinished: false };
    try {
      return await this.#run(lease.signal);
    } finally {
      await lease.release();
    }
  }

  async #run(signal: AbortSignal): Promise<ErasureRunSummary> {
    const { store } = this.deps;
    const summary: ErasureRunSummary = { checked: 0, erasedPeople: 0, erased: {}, watching: 0, roundFinished: false };
    const seen = new Set<string>();
    // The accounts already watched, every run: their time may have come, or they are back.
    const watched: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await store.list<Watch>(ERASURE_WATCH_PARTITION, { limit: 1000, continuationToken });
      watched.push(...page.records.filter((record) => !record.key.startsWith('~')).map((record) => record.key));
      continuationToken = page.continuationToken;
    } while (continuationToken);
    for (let start = 0; start < watched.length && !signal.aborted; start += CHUNK) await this.#check(watched.slice(start, start + CHUNK), seen, summary);
    // Then a bounded share of everyone, from where the last run stopped.
    const limit = this.deps.peoplePerRun ?? 20_000;
    const place = (await store.get<WalkPlace>(ERASURE_WATCH_PARTITION, PLACE_KEY))?.value;
    let pending: string[] = [];
    let reached: WalkPlace | undefined;
    summary.roundFinished = true;
    for await (const { ids, next } of walkPeople(store, place)) {
      pending.push(...ids.filter((id) => !seen.has(id) && !pending.includes(id)));
      reached = next;
      if (pending.length >= CHUNK) {
        await this.#check(pending, seen, summary);
        pending = [];
        await store.put(ERASURE_WATCH_PARTITION, PLACE_KEY, reached);
      }
      if (seen.size >= limit + watched.length || signal.aborted) {
        summary.roundFinished = false;
        break;
      }
    }
    if (pending.length > 0) await this.#check(pending, seen, summary);
    if (summary.roundFinished) await store.delete(ERASURE_WATCH_PARTITION, PLACE_KEY);
    else if (reached) await store.put(ERASURE_WATCH_PARTITION, PLACE_KEY, reached);
    summary.watching = (await store.list(ERASURE_WATCH_PARTITION, { limit: 1000 })).records.filter((record) => !record.key.startsWith('~')).length;
    return summary;
  }

  async #check(ids: string[], seen: Set<string>, summary: ErasureRunSummary): Promise<void> {
    const fresh = ids.filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    if (fresh.length === 0) return;
    const states = await this.deps.directory.accountStates(fresh);
    const gone = [...states.values()].filter((state) => state === 'gone').length;
    if (fresh.length >= IMPLAUSIBLE_GONE && gone === fresh.length) {
      throw new AppError('directory.failed', `Graph knows none of ${fresh.length} people the coach holds data about: is GRAPH_TENANT_ID this tenant? Nothing was erased.`);
    }
    summary.checked += fresh.length;
    for (const id of fresh) {
      const result = await this.#act(id, states.get(id) ?? 'gone');
      if (!result) continue;
      summary.erasedPeople += 1;
      addCounts(summary.erased, result.erased);
    }
  }

  /** What one account's state means: erase now, watch, wait, or forget the watch. */
  async #act(id: string, state: AccountState): Promise<ErasureResult | undefined> {
    const { store } = this.deps;
    const now = this.#now();
    const watch = await store.get<Watch>(ERASURE_WATCH_PARTITION, id);
    if (state === 'enabled') {
      // Back from leave: the count starts again if it is ever disabled again.
      if (watch) await store.delete(ERASURE_WATCH_PARTITION, id);
      return undefined;
    }
    if (state === 'deleted') return this.deps.erase(id, { kind: 'deleted-in-entra' });
    if (!watch || watch.value.state !== state) {
      await store.put<Watch>(ERASURE_WATCH_PARTITION, id, { since: now.toISOString(), state });
      return undefined;
    }
    const waited = now.getTime() - Date.parse(watch.value.since);
    if (state === 'gone' && waited >= GONE_CONFIRM_MS) return this.deps.erase(id, { kind: 'deleted-in-entra' });
    if (state === 'disabled' && waited >= this.deps.afterDisabledDays * DAY_MS) return this.deps.erase(id, { kind: 'disabled', days: this.deps.afterDisabledDays });
    return undefined;
  }

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
