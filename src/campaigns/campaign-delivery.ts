// The campaign's outbox handler: a queued invitation or reminder becomes the nudge card, sent only while the campaign
// runs, the person is still to be nudged, and it is their working time (a row due too early, or held up past it by an
// outage, waits for the next window); one whose campaign ended or whose deadline passed first expires; the person's
// row learns what happened.

import { CardFactory, MessageFactory } from 'botbuilder';
import { deliverToPerson } from '../outbox/deliver-to-person.js';
import type { OutboxHandler } from '../outbox/outbox-sender.js';
import { afterBackupSent, backupNotWanted, isBackupStep } from './backup-nudge.js';
import { isPastDeadline, sendableAt } from './cadence.js';
import type { CampaignContext } from './campaign-context.js';
import { type Campaign, type CampaignMember, NUDGEABLE } from './campaign-records.js';
import { activeVariants, assignVariant } from './invitation-variants.js';

/** Why an invitation or reminder expires unsent (the status card, the tab and the CSV show these words). */
export const CAMPAIGN_EXPIRY = { ended: 'the campaign had ended', deadline: 'the deadline had passed' } as const;

export function campaignDelivery(ctx: CampaignContext): OutboxHandler {
  const { deps } = ctx;
  return {
    async isHeld(row) {
      return (await ctx.campaign(row.subjectId))?.state === 'paused';
    },
    async expiry(row, now) {
      const campaign = await ctx.campaign(row.subjectId);
      if (!campaign) return undefined;
      if (campaign.state === 'finished') return CAMPAIGN_EXPIRY.ended;
      // The earliest clock on Earth (UTC+14) is the first past the deadline: before then nobody's is, and no read is needed.
      if (!isPastDeadline(now, campaign.deadline, 'Etc/GMT-14')) return undefined;
      const member = (await ctx.records.member(row.subjectId, row.userId))?.value;
      return isPastDeadline(now, campaign.deadline, member?.timeZone ?? deps.timeZone) ? CAMPAIGN_EXPIRY.deadline : undefined;
    },
    async deliver(row) {
      const campaign = await ctx.campaign(row.subjectId);
      if (!campaign) return { outcome: 'cancelled', reason: 'the campaign no longer exists' };
      if (campaign.state === 'finished') return { outcome: 'expired', reason: CAMPAIGN_EXPIRY.ended };
      if (campaign.state === 'paused') return { outcome: 'deferred' };
      const stored = (await ctx.records.member(row.subjectId, row.userId))?.value;
      const member = stored && row.step === 'invite' ? await textStillSent(ctx, campaign, stored) : stored;
      if (!member) return { outcome: 'cancelled', reason: 'not a member of the campaign' };
      if (isBackupStep(row.step)) {
        const notWanted = backupNotWanted(member);
        if (notWanted) return { outcome: 'cancelled', reason: notWanted };
      } else if (!NUDGEABLE.has(member.state)) return { outcome: 'cancelled', reason: `the person has ${member.state === 'enrolled' ? 'enrolled' : member.state}` };
      // Snoozed (or a decision moved the date) after this reminder was planned: the new date wins. The row waits for it
      // rather than being settled as cancelled: the step is still to come, and a settled step is never queued again.
      if (row.step !== 'invite' && !isBackupStep(row.step) && member.nextNudgeAt && member.nextNudgeAt > row.dueAt) {
        const later = sendableAt(new Date(member.nextNudgeAt), member, deps.cadence);
        if (later.getTime() > Date.now()) return { outcome: 'deferred', until: later };
      }
      // Due in working hours but late (a pause, an outage, a backlog): wait for the person's next working moment.
      const now = new Date();
      const sendable = sendableAt(now, member, deps.cadence);
      if (sendable.getTime() > now.getTime()) return { outcome: 'deferred', until: sendable };
      const card = await ctx.nudgeFor(campaign, member, row.step);
      return deliverToPerson(deps.messenger, row.userId, MessageFactory.attachment(CardFactory.adaptiveCard(card)), { appInstalled: member.appInstalled });
    },
    async settled(row, result) {
      if (result.outcome === 'sent') {
        const campaign = await ctx.campaign(row.subjectId);
        if (campaign && isBackupStep(row.step)) await afterBackupSent(ctx, campaign, row.userId, row.step, new Date());
        else if (campaign) await ctx.afterSent(campaign, row.userId, row.step, new Date());
        return;
      }
      // A backup nudge that missed its moment is no message about enrolling: the funnel's "expired" is not theirs.
      if (isBackupStep(row.step)) return;
      if (result.outcome === 'expired') {
        const at = new Date().toISOString();
        await ctx.records.updateMember(row.subjectId, row.userId, (member) => (member.expiredAt ? undefined : { ...member, expiredAt: at, expiredReason: result.reason }));
        return;
      }
      if (result.outcome === 'failed') {
        const unreachable = /^(removed-app|blocked-app|no-teams|not-in-directory):/.test(result.reason);
        await ctx.records.updateMember(row.subjectId, row.userId, (member) =>
          NUDGEABLE.has(member.state) ? { ...member, state: unreachable ? 'unreachable' : 'failed', reason: result.reason, nextNudgeAt: undefined } : undefined,
        );
      }
    },
  };
}

/**
 * A person whose text was stopped before anything reached them gets one still sent, chosen by the same rule among
 * those; written before the card is made, so the member row always names the text they read. Once a message has
 * reached them their text is theirs for good: reminders go on in the voice the invitation started.
 */
async function textStillSent(ctx: CampaignContext, campaign: Campaign, member: CampaignMember): Promise<CampaignMember | undefined> {
  const active = activeVariants(campaign);
  if (member.variant === undefined || member.nudges > 0 || active.length === 0 || active.some((id) => id === member.variant)) return member;
  const variant = assignVariant(campaign.id, member.userId, active);
  const moved = await ctx.records.updateMember(campaign.id, member.userId, (current) => (current.nudges > 0 || current.variant !== member.variant ? undefined : { ...current, variant }));
  return moved?.value ?? (await ctx.records.member(campaign.id, member.userId))?.value;
}
