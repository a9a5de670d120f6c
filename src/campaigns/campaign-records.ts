// What a campaign keeps in the store: the campaign, one row per targeted person, and the marker of the one
// campaign that is active. Every change is a compare-and-swap, so two instances (or a job run twice after a
// crash) apply each effect once.

import { casUpdate } from '../store/cas-update.js';
import { randomBytes } from 'node:crypto';
import { isAppError } from '../errors/app-error.js';
import { pagesOf } from '../store/pages.js';
import { MAX_TRANSACTION_WRITES, type StoredRecord, type Store, type StoreWrite } from '../store/store-port.js';
import { CampaignTallies, type Counts, change, deltaWrite, sum, TALLY_PREFIX } from './campaign-tallies.js';
import { memberWritesOf } from './member-writes.js';
import type { KnownLanguages } from '../shared/person-language.js';

export const CAMPAIGNS_PARTITION = 'campaigns';
/** Key of the row naming the one active campaign (insert-if-absent makes "only one at a time" atomic). */
const ACTIVE_KEY = '~active';

export type CampaignState = 'targeting' | 'running' | 'paused' | 'finished';

export interface Campaign {
  id: string;
  name: string;
  /** Local date (YYYY-MM-DD) by which people should have enrolled. */
  deadline: string;
  /** The invitations are spread over this many working days (1: everyone at once), after the first wave if there is one. */
  waves: number;
  /**
   * CAMPAIGN_FIRST_WAVE_GROUP_ID when the campaign started: its members are invited on the first working day, the
   * others from the next. Kept with the campaign, so people who join later are placed by the rule it started with.
   */
  firstWaveGroupId?: string;
  /** A leader's short word that opens every invitation, as the admin gave it (shown as written, never translated). */
  sponsor?: CampaignSponsor;
  /** The invitation texts compared (invitation-variants.ts ids, up to three); absent: the usual one alone. */
  variants?: string[];
  /** Texts an admin stopped (id → when): new invitations use the others, people who got one keep it. */
  stoppedVariants?: Record<string, string>;
  state: CampaignState;
  /** The state before a pause, so resume returns to targeting or running. */
  resumeTo?: 'targeting' | 'running';
  createdAt: string;
  createdBy: { id: string; name?: string };
  /** Set when targeting has walked the whole report. */
  targetedAt?: string;
  targeted: number;
  /** Why targeted people were left out, counted while targeting (reason → count). */
  excluded: Record<string, number>;
  /**
   * While targeting: the report page to go on from and the counts so far, saved after each page, so a restart (or a
   * resume after a pause) carries on there instead of walking the report again from the start.
   */
  targetingCursor?: { nextLink: string; targeted: number; excluded: Record<string, number> };
  /** The last reminder wave: the UTC date it ran for, and when. */
  lastWaveDate?: string;
  lastWaveAt?: string;
  finishedAt?: string;
}

export interface CampaignSponsor {
  /** Who says it, as the invitation names them ("Helena Brandt, CEO"). */
  name: string;
  message: string;
}

/**
 * Where one person is in a campaign. Later states never go back to earlier ones, except that a decision to require
 * enrolment, or the end of an exception, puts them back on the reminders (replied, or pending if never reached).
 */
export type MemberState = 'pending' | 'reached' | 'replied' | 'enrolled' | 'refused' | 'escalated' | 'unreachable' | 'failed';

/** States in which the coach still nudges a person. */
export const NUDGEABLE: ReadonlySet<MemberState> = new Set(['pending', 'reached', 'replied']);

export interface CampaignMember {
  userId: string;
  upn: string;
  displayName: string;
  department: string;
  /** IANA time zone the working hours are read in. */
  timeZone: string;
  /** Their languages as the directory gave them while targeting (the invitation uses them while fresh). */
  languages?: KnownLanguages;
  /** The app was installed for them when targeted: the invitation opens the chat without installing first. */
  appInstalled?: boolean;
  /** Their enrolment tier's id when targeted (ENROLMENT_TIERS with more than one tier; absent when Graph could not tell). */
  tier?: string;
  /** 0-based invitation wave. */
  wave: number;
  /**
   * The invitation text they get (invitation-variants.ts): assigned when targeted, moved only while they have had no
   * message and the text was stopped, then kept for every reminder. Absent on rows from before variants (the usual text).
   */
  variant?: string;
  state: MemberState;
  /** Number of nudges delivered (the invitation is the first). */
  nudges: number;
  /** When the next nudge is due (ISO); absent when none is planned. */
  nextNudgeAt?: string;
  /** Local date (YYYY-MM-DD) of the last delivered nudge: never two on one day. */
  lastNudgeLocalDate?: string;
  reachedAt?: string;
  repliedAt?: string;
  enrolledAt?: string;
  /** The last time they said no (a refusal they confirmed). */
  refusedAt?: string;
  /** The last time a refusal of theirs was taken to a decider (a manager or the escalation group). */
  escalatedAt?: string;
  snoozes: number;
  /** Until when the last "Not now" postponed their next reminder. */
  snoozedUntil?: string;
  /** The person said they enrolled: checked live before any further nudge. */
  saidEnrolledAt?: string;
  /** Set when the decision card (after too many snoozes) was queued. */
  decisionAskedAt?: string;
  /** Why delivery failed or the person cannot be reached (no licence, blocked the app, left). */
  reason?: string;
  /** The first message to them that expired unsent (its moment passed during an outage or a pause), and why. */
  expiredAt?: string;
  expiredReason?: string;
  /** What the decider chose after the person refused (escalation). */
  decision?: 'security-key' | 'exception' | 'require';
  /** An exception's last local date (YYYY-MM-DD): the day after, the person is back in the campaign. */
  exceptionUntil?: string;
  /** When a decider last granted them an exception (kept after it ends). */
  exceptionGrantedAt?: string;
  /** Backup nudges ("add a second way to sign in") delivered after they enrolled. */
  backupNudges?: number;
  /** They said "No thanks" to a second way to sign in: recorded, never escalated, no more backup nudges. */
  backupDeclinedAt?: string;
  /** When the coach saw a second phishing-resistant method (a backup nudge found it and stood down). */
  backupAt?: string;
  /** Counted in the campaign's tallies (every write since tallies exist; older rows are counted at the first read). */
  tallied?: true;
  /** Being taken out of the campaign (right to erasure): emptied and counted in nothing, deleted next. */
  erased?: true;
}

export function membersPartition(campaignId: string): string {
  return `campaign-members:${campaignId}`;
}

export function newCampaignId(now: Date): string {
  // Sorts by creation time, so the list of campaigns reads oldest to newest.
  return `c${now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}${randomBytes(3).toString('hex')}`;
}

export class CampaignRecords {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<StoredRecord<Campaign> | undefined> {
    return this.store.get<Campaign>(CAMPAIGNS_PARTITION, id);
  }

  /** The active (not finished) campaign, if any. */
  async active(): Promise<StoredRecord<Campaign> | undefined> {
    const campaign = await this.#marked();
    return campaign && campaign.value.state !== 'finished' ? campaign : undefined;
  }

  /** The most recent campaign, active or finished (for status and export after the end). */
  async latest(): Promise<StoredRecord<Campaign> | undefined> {
    // The marker names the campaign created last and stays when it finishes: one read, however many came before.
    const marked = await this.#marked();
    if (marked) return marked;
    // No marker (or a start that crashed between marker and campaign): the last by key, which sorts by creation.
    let last: StoredRecord<Campaign> | undefined;
    let continuationToken: string | undefined;
    do {
      const page = await this.store.list<Campaign>(CAMPAIGNS_PARTITION, { keyPrefix: 'c', limit: 1000, continuationToken });
      last = page.records.at(-1) ?? last;
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return last;
  }

  /** The campaign the marker names, finished or not. */
  async #marked(): Promise<StoredRecord<Campaign> | undefined> {
    const marker = await this.store.get<{ campaignId: string }>(CAMPAIGNS_PARTITION, ACTIVE_KEY);
    return marker ? this.get(marker.value.campaignId) : undefined;
  }

  /** Creates the campaign and makes it the active one; undefined when another campaign is already active. */
  async create(campaign: Campaign): Promise<StoredRecord<Campaign> | undefined> {
    const current = await this.active();
    if (current) return undefined;
    // A marker left by a finished campaign is replaced; a live one makes the insert below fail.
    const stale = await this.store.get<{ campaignId: string }>(CAMPAIGNS_PARTITION, ACTIVE_KEY);
    if (stale) await this.store.delete(CAMPAIGNS_PARTITION, ACTIVE_KEY, stale.etag).catch(ignoreConflict);
    try {
      await this.store.insert(CAMPAIGNS_PARTITION, ACTIVE_KEY, { campaignId: campaign.id });
    } catch (error) {
      if (isAppError(error, 'store.already-exists')) return undefined;
      throw error;
    }
    // Its members are counted as they are written: its first read of the figures has nothing earlier to count.
    await new CampaignTallies(this.store).markCounted(membersPartition(campaign.id));
    return this.store.insert(CAMPAIGNS_PARTITION, campaign.id, campaign);
  }

  /** Applies `change` with compare-and-swap, re-reading on conflict; `change` returns undefined to leave it. */
  async update(id: string, change: (campaign: Campaign) => Campaign | undefined): Promise<StoredRecord<Campaign> | undefined> {
    return casUpdate(this.store, CAMPAIGNS_PARTITION, id, change);
  }

  async member(campaignId: string, userId: string): Promise<StoredRecord<CampaignMember> | undefined> {
    return this.store.get<CampaignMember>(membersPartition(campaignId), userId);
  }

  /** Adds a targeted person once; false when they were already in (a re-run of targeting). */
  async addMember(campaignId: string, member: CampaignMember): Promise<boolean> {
    return (await this.addMembers(campaignId, [member]))[0] ?? false;
  }

  /**
   * Adds the members not in the campaign yet (a page of targeting), each counted in the tallies in the same
   * transaction; true for each one added.
   */
  async addMembers(campaignId: string, members: readonly CampaignMember[]): Promise<boolean[]> {
    const partition = membersPartition(campaignId);
    const added = new Map<string, boolean>();
    // A person listed twice is added once (a transaction cannot insert one key twice); the second answer is false.
    const firsts = new Map<string, CampaignMember>();
    for (const member of members) if (!firsts.has(member.userId)) firsts.set(member.userId, member);
    const unique = [...firsts.values()];
    for (let start = 0; start < unique.length; start += MAX_TRANSACTION_WRITES - 1) {
      let chunk = unique.slice(start, start + MAX_TRANSACTION_WRITES - 1);
      for (let attempt = 0; chunk.length > 0; attempt++) {
        const delta: Counts = {};
        for (const member of chunk) sum(delta, change(undefined, member));
        const writes: StoreWrite[] = chunk.map((member) => ({ op: 'insert', key: member.userId, value: { ...member, tallied: true } }));
        const counted = deltaWrite(delta);
        if (counted) writes.push(counted);
        try {
          await this.store.transact(partition, writes);
          for (const member of chunk) added.set(member.userId, true);
          break;
        } catch (error) {
          if (!isAppError(error, 'store.already-exists') || attempt >= 3) throw error;
          // Some were added before (a re-run of targeting): the others, without them.
          const present = await this.store.getMany(partition, chunk.map((member) => member.userId));
          for (const userId of present.keys()) added.set(userId, false);
          chunk = chunk.filter((member) => !present.has(member.userId));
        }
      }
    }
    const answered = new Set<string>();
    return members.map((member) => {
      const first = !answered.has(member.userId);
      answered.add(member.userId);
      return first && (added.get(member.userId) ?? false);
    });
  }

  /**
   * Applies `change` to a member with compare-and-swap, re-reading on conflict (undefined from `change` leaves it);
   * what the change does to the campaign's figures is written with it, in one transaction.
   */
  async updateMember(campaignId: string, userId: string, changeMember: (member: CampaignMember) => CampaignMember | undefined): Promise<StoredRecord<CampaignMember> | undefined> {
    const partition = membersPartition(campaignId);
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.store.get<CampaignMember>(partition, userId);
      if (!current) return undefined;
      const next = changeMember(structuredClone(current.value));
      if (next === undefined) return undefined;
      // A row from before tallies was never counted: its whole new self is (and the first read counts no row twice).
      const delta = change(current.value.tallied ? current.value : undefined, next);
      const value: CampaignMember = { ...next, tallied: true };
      try {
        if (Object.keys(delta).length === 0) return await this.store.update(partition, userId, value, current.etag);
        // With the other members' updates of this turn, under one delta row (member-writes.ts).
        return await memberWritesOf(this.store).update(partition, userId, value, current.etag, delta);
      } catch (error) {
        if (!isAppError(error, 'store.conflict')) throw error;
      }
    }
    throw new Error(`${partition}/${userId} kept changing under 20 attempts to update it`);
  }

  /**
   * Takes a person out of the campaign for good (right to erasure), in two steps that each leave the figures exact: the
   * row is emptied and uncounted in one transaction (its negative delta beside it), then deleted. A crash between
   * leaves an empty row counted in nothing, which the next call deletes. True when there was a row.
   */
  async removeMember(campaignId: string, userId: string): Promise<boolean> {
    const partition = membersPartition(campaignId);
    await this.updateMember(campaignId, userId, (member) => (member.erased ? undefined : erasedMember(member)));
    if (!(await this.store.get(partition, userId))) return false;
    // Without an etag: whatever a feature wrote to the empty row meanwhile counts in nothing either.
    await this.store.delete(partition, userId);
    return true;
  }

  /** Every member, a page at a time (never all of them in memory). */
  async *members(campaignId: string, pageSize = 500): AsyncIterable<StoredRecord<CampaignMember>[]> {
    for await (const page of pagesOf<CampaignMember>(this.store, membersPartition(campaignId), pageSize)) {
      const members = page.filter((record) => !record.key.startsWith(TALLY_PREFIX) && !record.value.erased);
      if (members.length > 0) yield members;
    }
  }

  /** The campaign's figures as counts (campaign-tallies.ts): a few rows, however many members. */
  counts(campaignId: string, now = Date.now()): Promise<Counts> {
    return new CampaignTallies(this.store).counts(membersPartition(campaignId), now);
  }
}

/** A member row with nothing of the person left but the key it is deleted by. */
function erasedMember(member: CampaignMember): CampaignMember {
  return { userId: member.userId, upn: '', displayName: '', department: '', timeZone: 'UTC', wave: member.wave, state: member.state, nudges: 0, snoozes: 0, erased: true };
}

function ignoreConflict(error: unknown): void {
  if (!isAppError(error, 'store.conflict') && !isAppError(error, 'store.not-found')) throw error;
}
