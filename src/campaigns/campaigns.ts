// Campaigns: start, pause, resume, report; the scheduled work that targets people and plans reminder waves; and the
// outbox handler that turns a queued step into a Teams message. Every effect is a conditional write, so a job that
// runs twice (a crash, two instances) changes nothing the second time.
//
// This is the feature's one face for the chat, escalations, the scheduler and the outbox: each method is one use
// case, in its own file.

import type { OutboxRow } from '../outbox/outbox.js';
import { type BackupAnswer, declineBackup } from './backup-nudge.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import { CampaignContext, type CampaignsDeps } from './campaign-context.js';
import { campaignDelivery } from './campaign-delivery.js';
import { campaignStatus } from './campaign-report.js';
import { type VariantSummary, variantSummary } from './campaign-variants.js';
import type { Campaign, CampaignRecords } from './campaign-records.js';
import * as people from './people-events.js';
import { campaignTick } from './reminder-wave.js';
import { reportWords } from './report-words.js';
import { finishCampaign, pauseCampaign, resumeCampaign, type StartRequest, type StartResult, startCampaign } from './run-campaign.js';
import { type StopVariantResult, stopVariant } from './stop-variant.js';

export type { CampaignsDeps } from './campaign-context.js';
export type { SnoozeResult } from './people-events.js';
export type { StartRequest, StartResult } from './run-campaign.js';
export type { VariantRow, VariantSummary } from './campaign-variants.js';
export { waveOf } from './walk-report.js';

type Admin = { id: string; name?: string };

export class Campaigns implements OutboxHandler {
  readonly #ctx: CampaignContext;
  readonly #delivery: OutboxHandler;

  constructor(deps: CampaignsDeps) {
    this.#ctx = new CampaignContext(deps);
    this.#delivery = campaignDelivery(this.#ctx);
  }

  get records(): CampaignRecords {
    return this.#ctx.records;
  }

  start = (request: StartRequest, now = new Date()): Promise<StartResult> => startCampaign(this.#ctx, request, now);
  pause = (by: Admin): Promise<Campaign | undefined> => pauseCampaign(this.#ctx, by);
  resume = (by: Admin): Promise<Campaign | undefined> => resumeCampaign(this.#ctx, by);
  /** Ends the active campaign now (also done by the scheduler the day after the deadline). */
  finish = (by: Admin | undefined, now = new Date()): Promise<Campaign | undefined> => finishCampaign(this.#ctx, by, now);
  /** Stops one invitation text of the campaign: new invitations use the others (refused for the last one). */
  stopVariant = (by: Admin, campaignId: string, variant: string, now = new Date()): Promise<StopVariantResult> => stopVariant(this.#ctx, by, campaignId, variant, now);

  /**
   * The latest campaign's invitation texts compared, in `locale`: each text's figures with their 95% intervals, how far
   * each is behind the best, and the sentence that says whether the difference is clear. Undefined without a campaign,
   * or for one that sends a single text. The status card and the tab show the same; the leadership digest reads it here.
   */
  variantSummary = async (locale: string, now = new Date()): Promise<VariantSummary | undefined> => {
    const latest = await this.#ctx.records.latest();
    if (!latest) return undefined;
    return variantSummary(await campaignStatus(this.#ctx.records, latest.value, now), reportWords(this.#ctx.deps.cards.strings, locale));
  };

  /** One run of the campaign's scheduled work: targeting, the day's reminder wave, the end after the deadline. */
  tick = (now = new Date(), signal?: AbortSignal): Promise<void> => campaignTick(this.#ctx, now, signal);

  /** `backedUp`: they have a second phishing-resistant method too (no backup nudge; the funnel counts it). */
  onEnrolled = (userId: string, backedUp = false, now = new Date()): Promise<void> => people.onEnrolled(this.#ctx, userId, backedUp, now);
  onSaidEnrolled = (userId: string, now = new Date()): Promise<void> => people.onSaidEnrolled(this.#ctx, userId, now);
  onRefused = (userId: string, now = new Date()): Promise<void> => people.onRefused(this.#ctx, userId, now);
  onEscalated = (userId: string, now = new Date()): Promise<void> => people.onEscalated(this.#ctx, userId, now);
  onDecided = (userId: string, campaignId: string, decision: people.Decided, now = new Date()): Promise<void> => people.onDecided(this.#ctx, userId, campaignId, decision, now);
  onReplied = (userId: string, now = new Date()): Promise<void> => people.onReplied(this.#ctx, userId, now);
  /** "Not now", answered in `locale` (the click's language). */
  snooze = (userId: string, campaignId: string, locale: string, now = new Date()): Promise<people.SnoozeResult> => people.snooze(this.#ctx, userId, campaignId, locale, now);
  /** "No thanks" to a backup nudge, answered in `locale` (the click's language). */
  declineBackup = (userId: string, campaignId: string, locale: string, now = new Date()): Promise<BackupAnswer> => declineBackup(this.#ctx, userId, campaignId, locale, now);
  contextOf = (userId: string): Promise<{ campaignId: string; deadline: string } | undefined> => people.campaignContextOf(this.#ctx, userId);
  invitationUnderway = (userId: string, now = new Date()): Promise<boolean> => people.invitationUnderway(this.#ctx, userId, now);

  isHeld = (row: OutboxRow): Promise<boolean> => this.#delivery.isHeld?.(row) ?? Promise.resolve(false);
  expiry = (row: OutboxRow, now: Date): Promise<string | undefined> => this.#delivery.expiry?.(row, now) ?? Promise.resolve(undefined);
  deliver = (row: OutboxRow): Promise<DeliveryResult> => this.#delivery.deliver(row);
  settled = (row: OutboxRow, result: DeliveryResult): Promise<void> => this.#delivery.settled(row, result);
}
