// One pass over the registration report: people with a strong method are marked enrolled; people not yet in the
// campaign who match the rules (joiners, and everyone on the first pass) are added with their invitation queued.
// The first pass (targeting) goes on from its saved place and saves it after every page, so a restart or a resume
// does not read the report again from the start; a re-run adds nobody twice.

import { createHash } from 'node:crypto';
import { isAppError } from '../errors/app-error.js';
import { UNREACHABLE_PARTITION, type UnreachableReason } from '../messaging/proactive-messenger.js';
import { invitationDueAt } from './cadence.js';
import type { CampaignContext } from './campaign-context.js';
import type { Campaign, CampaignMember } from './campaign-records.js';
import { activeVariants, assignVariant } from './invitation-variants.js';
import { inStoreBatches } from './let-io-through.js';
import { type ExclusionReason, findTargets } from './targeting.js';
import { localParts } from '../shared/wall-clock.js';

/** What one pass over the report found. */
export interface Walked {
  targeted: number;
  joined: number;
  enrolledNow: number;
  excluded: Partial<Record<ExclusionReason, number>>;
}

/** Longest wait for the sender between two report pages, and how often the backlog is looked at meanwhile. */
const BACKLOG_WAIT_MS = 60_000;
const BACKLOG_POLL_MS = 500;

/** Walks the report and queues an invitation for everyone targeted; a re-run adds nobody twice. */
export async function targetCampaign(ctx: CampaignContext, campaign: Campaign, signal?: AbortSignal): Promise<void> {
  const startedAt = new Date();
  let walked: Walked | undefined;
  try {
    walked = await walkReport(ctx, campaign, startedAt, { targeting: true, signal });
  } catch (error) {
    // A saved place Graph no longer accepts (its skip token expired): the next run starts from the beginning, which
    // adds nobody twice. Throttling and outages are not the link's fault and keep it.
    if (campaign.targetingCursor && isAppError(error, 'directory.failed')) {
      await ctx.records.update(campaign.id, (current) => (current.targetingCursor ? { ...current, targetingCursor: undefined } : undefined));
      ctx.forget(campaign.id);
      ctx.deps.logger.warn('the saved place in the registration report was refused; targeting starts over', { campaignId: campaign.id, error });
    }
    throw error;
  }
  if (!walked) return;
  const { targeted, excluded } = walked;
  // This pass was the day's refresh: the first wave is the next day's, not a second pass over the report right away
  // (while the invitations are going out), which found nobody new and no reminder due.
  const lastWaveDate = localParts(startedAt, ctx.deps.timeZone).dateKey;
  await ctx.records.update(campaign.id, (current) =>
    current.state === 'targeting' ? { ...current, state: 'running', targeted, excluded, targetedAt: new Date().toISOString(), lastWaveDate, targetingCursor: undefined } : undefined,
  );
  ctx.forget(campaign.id);
  ctx.deps.logger.info('campaign targeting finished', { campaignId: campaign.id, targeted, excluded });
}

/**
 * One pass; undefined when it was stopped by a pause (or the end) while targeting. `signal` ends it between pages (the
 * run lost its lease): targeting's saved place lets whoever runs next go on from there.
 */
export async function walkReport(ctx: CampaignContext, campaign: Campaign, now: Date, options: { targeting?: boolean; signal?: AbortSignal } = {}): Promise<Walked | undefined> {
  const directory = ctx.deps.directory;
  if (!directory) return undefined;
  const cursor = options.targeting ? campaign.targetingCursor : undefined;
  let targeted = cursor?.targeted ?? 0;
  let joined = 0;
  let enrolledNow = 0;
  const excluded: Partial<Record<ExclusionReason, number>> = { ...(cursor?.excluded ?? {}) };
  const known = async (userId: string) => {
    const member = (await ctx.records.member(campaign.id, userId))?.value;
    // Added by a run that died before queuing the invitation (adding and queuing are two writes): queue it now.
    // A no-op when the invitation is queued or settled already.
    if (member?.state === 'pending' && member.nudges === 0) await queueInvitation(ctx, campaign, member);
    return member !== undefined;
  };
  // The first-wave group the campaign started with, whatever the setting says now.
  const policy = { ...ctx.deps.targeting, firstWaveGroupId: campaign.firstWaveGroupId };
  // A text stopped since this run read the campaign is caught when the invitation is sent (campaign-delivery.ts).
  const texts = activeVariants(campaign);
  for await (const page of findTargets(directory, policy, { known, from: cursor?.nextLink })) {
    options.signal?.throwIfAborted();
    for (const [reason, count] of Object.entries(page.excluded) as [ExclusionReason, number][]) excluded[reason] = (excluded[reason] ?? 0) + count;
    // Each step for the whole page at once, so the store takes its reads and writes together.
    const backedUp = new Set(page.backedUpIds);
    const marked = await inStoreBatches(page.enrolledIds, (userId) => ctx.markEnrolled(campaign.id, userId, now, backedUp.has(userId)));
    enrolledNow += marked.filter(Boolean).length;
    targeted += page.known + page.targets.length;
    const members: CampaignMember[] = await inStoreBatches(page.targets, async (target) => {
      const unreachable = await ctx.deps.store.get<{ reason: UnreachableReason }>(UNREACHABLE_PARTITION, target.userId);
      const { firstWave, ...person } = target;
      return {
        ...person,
        wave: waveFor(campaign, target.userId, firstWave === true),
        variant: assignVariant(campaign.id, target.userId, texts),
        state: unreachable ? 'unreachable' : 'pending',
        reason: unreachable?.value.reason,
        nudges: 0,
        snoozes: 0,
      };
    });
    // The page's members in one batch; then each one's invitation. A crash in between leaves members without an
    // invitation, which the next pass queues (see `known`).
    const added = await ctx.records.addMembers(campaign.id, members);
    joined += added.filter(Boolean).length;
    await inStoreBatches(members, async (member, index) => {
      // Added now: queue the invitation. Already in (a page walked again after a restart): go by what is stored.
      const stored = added[index] ? member : (await ctx.records.member(campaign.id, member.userId))?.value;
      if (stored?.state === 'pending' && stored.nudges === 0) await queueInvitation(ctx, campaign, stored);
    });
    if (options.targeting) {
      // Everyone on this part of a page is in and queued. With a page's last part, save the place; between parts (and
      // after the report's last page) only look. A pause (or the end) stops targeting there; a resume, like a restart,
      // goes on from the saved place (a half-done page is walked again, its people known).
      const { nextLink } = page;
      const targeting = nextLink
        ? await ctx.records.update(campaign.id, (current) => (current.state !== 'targeting' ? undefined : { ...current, targetingCursor: { nextLink, targeted, excluded: { ...excluded } } }))
        : (await ctx.records.get(campaign.id))?.value.state === 'targeting';
      if (!targeting) return undefined;
      if (nextLink && !(await letSenderCatchUp(ctx, campaign.id, options.signal))) return undefined;
    }
  }
  return { targeted, joined, enrolledNow, excluded };
}

/**
 * While the outbox holds `targetingBacklog` invitations ready to go, waits (a minute at most per page, so a sender
 * that is down or slow cannot stall targeting for good). False when the campaign stopped targeting meanwhile.
 */
async function letSenderCatchUp(ctx: CampaignContext, campaignId: string, signal: AbortSignal | undefined): Promise<boolean> {
  const backlog = ctx.deps.targetingBacklog;
  if (!backlog) return true;
  const giveUpAt = performance.now() + BACKLOG_WAIT_MS;
  while (performance.now() < giveUpAt && (await ctx.deps.outbox.sendableCount(new Date(), backlog)) >= backlog) {
    await new Promise((resolve) => setTimeout(resolve, BACKLOG_POLL_MS));
    signal?.throwIfAborted();
    if ((await ctx.records.get(campaignId))?.value.state !== 'targeting') return false;
  }
  return true;
}

/** Queues the member's invitation once: the key comes from stored state, so a second call finds it there (or logged). */
async function queueInvitation(ctx: CampaignContext, campaign: Campaign, member: CampaignMember): Promise<void> {
  const dueAt = invitationDueAt(campaign, member, ctx.deps.cadence);
  await ctx.deps.outbox.enqueue({ subjectId: campaign.id, userId: member.userId, step: 'invite', dueAt: dueAt.toISOString() });
}

/** The first-wave group's members are wave 0; with a first wave, everyone else's waves come after it. */
export function waveFor(campaign: Pick<Campaign, 'waves' | 'firstWaveGroupId'>, userId: string, inFirstWave: boolean): number {
  if (!campaign.firstWaveGroupId) return waveOf(userId, campaign.waves);
  return inFirstWave ? 0 : 1 + waveOf(userId, campaign.waves);
}

/** A stable wave for a person: the same on every run, spread evenly. */
export function waveOf(userId: string, waves: number): number {
  if (waves <= 1) return 0;
  return createHash('sha256').update(userId).digest().readUInt32BE(0) % waves;
}
