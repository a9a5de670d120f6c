// What every campaign use case works with: the feature's dependencies, its records, a short-lived cache of the
// campaign (the sender asks for it on every row), the rendered nudge cards, and the member changes they share.

import type { OutboxFeatureDeps } from '../outbox/outbox-router.js';
import { queueBackupNudge } from './backup-nudge.js';
import { type CadencePolicy, nextReminderAt } from './cadence.js';
import { type NudgeCard, nudgeCard } from './campaign-messages.js';
import { type Campaign, type CampaignMember, CampaignRecords, NUDGEABLE } from './campaign-records.js';
import type { TargetingPolicy } from './targeting.js';
import { localParts } from '../shared/wall-clock.js';
import { setBounded } from '../shared/bounded-map.js';

export interface CampaignsDeps extends OutboxFeatureDeps {
  targeting: TargetingPolicy;
  cadence: CadencePolicy;
  /** ORGANISATION_NAME (or the demo tenant's); unset, each language's own words for "your organisation". */
  organisationName: string | undefined;
  /** Zone of the campaign's own calendar (deadline, daily waves): the tenant's default. */
  timeZone: string;
  /**
   * Targeting waits between report pages while this many invitations are ready to send: it only has to stay ahead
   * of the sender, and the two share the process. Undefined: no waiting.
   */
  targetingBacklog?: number;
}

const CAMPAIGN_CACHE_MS = 2_000;
const RENDERED_CARDS_KEPT = 2_000;

/** How long a noted reply is trusted before the member is read again (see CampaignContext.replyNoted). */
const REPLY_NOTED_MS = 10 * 60_000;
const REPLIES_NOTED_KEPT = 10_000;

export class CampaignContext {
  readonly records: CampaignRecords;
  readonly #cache = new Map<string, { campaign: Campaign | undefined; at: number }>();
  #active: { campaign: Campaign | undefined; at: number } | undefined;
  /** Rendered nudge cards by their words, oldest first (never changed after rendering: the same object is sent again). */
  readonly #cards = new Map<string, Record<string, unknown>>();

  constructor(readonly deps: CampaignsDeps) {
    this.records = new CampaignRecords(deps.store);
  }

  /** The campaign, read at most every two seconds per instance (the sender asks for every row). */
  async campaign(id: string): Promise<Campaign | undefined> {
    const cached = this.#cache.get(id);
    if (cached && Date.now() - cached.at < CAMPAIGN_CACHE_MS) return cached.campaign;
    const campaign = (await this.records.get(id))?.value;
    this.#cache.set(id, { campaign, at: Date.now() });
    return campaign;
  }

  /**
   * The active campaign, read at most every two seconds per instance: Teams' notices and people's replies ask for it on
   * every turn. Commands that change a campaign read it fresh (records.active()) and call forget().
   */
  async activeCampaign(): Promise<Campaign | undefined> {
    if (this.#active && Date.now() - this.#active.at < CAMPAIGN_CACHE_MS) return this.#active.campaign;
    const campaign = (await this.records.active())?.value;
    this.#active = { campaign, at: Date.now() };
    if (campaign) this.#cache.set(campaign.id, { campaign, at: Date.now() });
    return campaign;
  }

  /**
   * Campaign members whose reply needs no more noting, by `campaign id \0 person`, with when that was seen: a member
   * reached once (reachedAt set) and no longer in state `reached` never returns to it (`reached` follows only
   * `pending`, which only a member never reached returns to). Kept a while, so that a member erased and targeted again
   * (a new row, without reachedAt) has its reply noted again from then on.
   */
  readonly #repliesNoted = new Map<string, number>();

  /** Whether the person's reply to this campaign is known to need no more noting (see #repliesNoted). */
  replyNoted(campaignId: string, userId: string, now = Date.now()): boolean {
    const at = this.#repliesNoted.get(`${campaignId}\u0000${userId}`);
    return at !== undefined && now - at < REPLY_NOTED_MS;
  }

  noteReplied(campaignId: string, userId: string, now = Date.now()): void {
    setBounded(this.#repliesNoted, `${campaignId}\u0000${userId}`, now, REPLIES_NOTED_KEPT);
  }

  /** The campaign changed here: the next read goes to the store. */
  forget(id: string): void {
    this.#cache.delete(id);
    this.#active = undefined;
  }

  /** The step's card for the person, in their language (asked at send time: they may have asked for another since). */
  async nudgeFor(campaign: Campaign, member: CampaignMember, step: string): Promise<Record<string, unknown>> {
    const locale = await this.deps.languages.ofRecipient(member.userId, member.languages);
    const { organisationName, cadence, cards } = this.deps;
    return this.#nudge(nudgeCard({ campaign, member, step, organisationName, snoozeDays: cadence.snoozeDays, maxSnoozes: cadence.maxSnoozes, locale, strings: cards.strings }), locale);
  }

  /** The card for these words: expanding the template costs more than the rest of a send, and many people share a first name. */
  #nudge(data: NudgeCard, locale: string): Record<string, unknown> {
    const key = `${locale}:${JSON.stringify(data)}`;
    let card = this.#cards.get(key);
    if (!card) {
      card = this.deps.cards.render('campaign-nudge', data as unknown as Record<string, unknown>, locale);
      setBounded(this.#cards, key, card, RENDERED_CARDS_KEPT);
    }
    return card;
  }

  /**
   * No more reminders; a backup nudge is planned (it stands down at delivery if they have two methods by then).
   * `backedUp`: the report shows a second method, noted once (the funnel's "enrolled with a backup"). True when they
   * were newly marked enrolled.
   */
  async markEnrolled(campaignId: string, userId: string, now: Date, backedUp = false): Promise<boolean> {
    let newly = false;
    const updated = await this.records.updateMember(campaignId, userId, (member) => {
      newly = member.state !== 'enrolled';
      const backup = backedUp && !member.backupAt ? { backupAt: now.toISOString() } : {};
      if (!newly) return 'backupAt' in backup ? { ...member, ...backup } : undefined;
      return { ...member, state: 'enrolled', enrolledAt: now.toISOString(), nextNudgeAt: undefined, ...backup };
    });
    if (updated && newly) await queueBackupNudge(this, { id: campaignId }, updated.value, 0);
    return updated !== undefined && newly;
  }

  async updateActiveMember(userId: string, change: (member: CampaignMember) => CampaignMember | undefined): Promise<void> {
    const active = await this.activeCampaign();
    if (active) await this.records.updateMember(active.id, userId, change);
  }

  /** A step reached the person: counted once per local day, and the next reminder planned. */
  async afterSent(campaign: Campaign, userId: string, step: string, sentAt: Date): Promise<void> {
    await this.records.updateMember(campaign.id, userId, (member) => {
      const sentDate = localParts(sentAt, member.timeZone).dateKey;
      // Applied once: a nudge already counted for that day is not counted again.
      if (member.lastNudgeLocalDate === sentDate && member.nudges > 0 && step !== 'invite') return undefined;
      if (step === 'invite' && member.nudges > 0) return undefined;
      const reachedAt = member.reachedAt ?? sentAt.toISOString();
      const next = NUDGEABLE.has(member.state) ? nextReminderAt({ ...member, reachedAt }, campaign, sentAt, this.deps.cadence) : undefined;
      return {
        ...member,
        state: member.state === 'pending' ? 'reached' : member.state,
        reachedAt,
        nudges: member.nudges + 1,
        lastNudgeLocalDate: sentDate,
        nextNudgeAt: next?.toISOString(),
        decisionAskedAt: step === 'decision' ? sentAt.toISOString() : member.decisionAskedAt,
      };
    });
  }
}
