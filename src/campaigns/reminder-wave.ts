// The campaign's scheduled run: targeting until everyone is in, then once a day a wave (refresh from the report, then
// queue the reminders due in the coming day, then check the backup nudges the report cannot decide), and the end the
// day after the deadline.

import { passkeyStatus } from '../directory/passkey-status.js';
import { confirmBackups, nextBackupAt } from './backup-nudge.js';
import { isPastDeadline, nextStep, sendableAt } from './cadence.js';
import type { CampaignContext } from './campaign-context.js';
import { type Campaign, type CampaignMember, NUDGEABLE } from './campaign-records.js';
import { letIoThrough } from './let-io-through.js';
import { finishCampaign } from './run-campaign.js';
import { targetCampaign, walkReport } from './walk-report.js';
import { localParts } from '../shared/wall-clock.js';

/** Campaign steps (invitation and reminders) one person gets at most per local day. */
const WAVE_LOOKAHEAD_MS = 24 * 3600_000;

/** One run of the campaign's scheduled work: targeting, the day's reminder wave, the end after the deadline. */
/** `signal`: the run lost its lease (another instance carries on) or the service stops; it ends between pages. */
export async function campaignTick(ctx: CampaignContext, now = new Date(), signal?: AbortSignal): Promise<void> {
  const active = await ctx.records.active();
  if (!active) return;
  const campaign = active.value;
  if (campaign.state === 'paused' || campaign.state === 'finished') return;
  if (isPastDeadline(now, campaign.deadline, ctx.deps.timeZone)) {
    await finishCampaign(ctx, undefined, now);
    return;
  }
  if (campaign.state === 'targeting') {
    await targetCampaign(ctx, campaign, signal);
    return;
  }
  const today = localParts(now, ctx.deps.timeZone).dateKey;
  if (campaign.lastWaveDate !== today) await reminderWave(ctx, campaign, now, today, signal);
}

/** The day's wave: refresh from the report (who enrolled, who joined), then queue the reminders due in the coming day. */
async function reminderWave(ctx: CampaignContext, campaign: Campaign, now: Date, today: string, signal?: AbortSignal): Promise<void> {
  if (!ctx.deps.directory) return;
  const walked = await walkReport(ctx, campaign, now, { signal });
  let enrolledNow = walked?.enrolledNow ?? 0;
  const horizon = now.getTime() + WAVE_LOOKAHEAD_MS;
  let queued = 0;
  const unclearBackups: string[] = [];
  for await (const page of ctx.records.members(campaign.id)) {
    signal?.throwIfAborted();
    await letIoThrough();
    for (const { value: stored } of page) {
      const member = await endedException(ctx, campaign, stored, now);
      // Planned within a day either side of this wave: the day's wave before it reads, and at most once more after a
      // weekend. Long past (someone who enrolled before backup nudges existed, or whose nudge was given up): not read.
      const backupAt = member && nextBackupAt(member);
      if (backupAt && Math.abs(backupAt.getTime() - now.getTime()) <= WAVE_LOOKAHEAD_MS) unclearBackups.push(member.userId);
      if (!member || !NUDGEABLE.has(member.state) || member.nudges === 0 || !member.nextNudgeAt) continue;
      if (Date.parse(member.nextNudgeAt) > horizon) continue;
      if (member.saidEnrolledAt && (await enrolledLive(ctx, member.userId))) {
        await ctx.markEnrolled(campaign.id, member.userId, now);
        enrolledNow += 1;
        continue;
      }
      const dueAt = sendableAt(new Date(member.nextNudgeAt), member, ctx.deps.cadence);
      if (isPastDeadline(dueAt, campaign.deadline, member.timeZone)) continue;
      const step = nextStep(member, ctx.deps.cadence);
      if (await ctx.deps.outbox.enqueue({ subjectId: campaign.id, userId: member.userId, step, dueAt: dueAt.toISOString() })) queued += 1;
      else await repair(ctx, campaign, member, step);
    }
  }
  await ctx.records.update(campaign.id, (current) =>
    current.lastWaveDate === today ? undefined : { ...current, lastWaveDate: today, lastWaveAt: now.toISOString(), targeted: walked?.targeted ?? current.targeted, excluded: walked?.excluded ?? current.excluded },
  );
  ctx.forget(campaign.id);
  ctx.deps.logger.info('campaign reminder wave planned', { campaignId: campaign.id, date: today, queued, enrolledNow, joined: walked?.joined ?? 0 });
  // Last: the reminders are queued already, and these reads wait their turn in Graph's reports bucket.
  if (unclearBackups.length > 0) {
    const { checked, backedUp } = await confirmBackups(ctx, campaign.id, unclearBackups, now, signal);
    ctx.deps.logger.info('backup nudges checked against live sign-in methods', { campaignId: campaign.id, checked, unchecked: unclearBackups.length - checked, backedUp });
  }
}

/** An exception has ended: the person is back in the campaign, and the next nudge goes out today. Undefined: changed meanwhile. */
async function endedException(ctx: CampaignContext, campaign: Campaign, member: CampaignMember, now: Date): Promise<CampaignMember | undefined> {
  if (member.state !== 'escalated' || member.decision !== 'exception' || !member.exceptionUntil || member.exceptionUntil >= localParts(now, member.timeZone).dateKey) return member;
  const back = await ctx.records.updateMember(campaign.id, member.userId, (current) =>
    current.state === 'escalated' && current.decision === 'exception'
      ? { ...current, state: current.reachedAt ? 'replied' : 'pending', decision: undefined, exceptionUntil: undefined, snoozedUntil: undefined, nextNudgeAt: now.toISOString() }
      : undefined,
  );
  return back?.value;
}

/** A step logged as sent whose member row was not updated (a crash between the two): apply the update now. */
async function repair(ctx: CampaignContext, campaign: Campaign, member: CampaignMember, step: string): Promise<void> {
  const entry = await ctx.deps.outbox.logEntry(campaign.id, member.userId, step);
  if (entry?.outcome === 'sent') await ctx.afterSent(campaign, member.userId, step, new Date(entry.at));
}

async function enrolledLive(ctx: CampaignContext, userId: string): Promise<boolean> {
  try {
    return passkeyStatus((await ctx.deps.directory?.authenticationMethods(userId)) ?? []).enrolled;
  } catch (error) {
    ctx.deps.logger.warn('could not check a person who said they enrolled; nudging as planned', { error });
    return false;
  }
}
