// After someone enrols with one phishing-resistant method, the coach asks, at a gentle pace, for a second one (a
// device-bound passkey is gone with its phone): at most two nudges, stopped by a second method or by "No thanks".

import { passkeyStatus } from '../directory/passkey-status.js';
import { sendableAt } from './cadence.js';
import type { CampaignContext } from './campaign-context.js';
import type { Campaign, CampaignMember } from './campaign-records.js';
import { addLocalDays, localParts } from '../shared/wall-clock.js';

/** Days after enrolment each backup nudge is planned for (then moved into working hours). */
export const BACKUP_DAYS = [3, 10] as const;

const STEP_PREFIX = 'backup-';

/**
 * Live reads one wave makes for backup nudges at most: each waits its turn in Graph's reports bucket (5 per 10 s, about
 * 10 minutes for 300). Beyond it, a nudge goes out unchecked; its "I added one: check" settles it for the person.
 */
export const BACKUP_READS_PER_WAVE = 300;

export const isBackupStep = (step: string): boolean => step.startsWith(STEP_PREFIX);

/** Queues the `index`th backup nudge (0-based), counted from when they enrolled; false when there is none left. */
export async function queueBackupNudge(ctx: CampaignContext, campaign: Pick<Campaign, 'id'>, member: CampaignMember, index: number): Promise<boolean> {
  const planned = plannedBackupAt(member, index);
  if (!planned) return false;
  const dueAt = sendableAt(planned, member, ctx.deps.cadence);
  return ctx.deps.outbox.enqueue({ subjectId: campaign.id, userId: member.userId, step: `${STEP_PREFIX}${index + 1}`, dueAt: dueAt.toISOString() });
}

/** When the `index`th backup nudge is planned for, counted from their enrolment (before working hours move it). */
function plannedBackupAt(member: CampaignMember, index: number): Date | undefined {
  const days = BACKUP_DAYS[index];
  if (days === undefined || !member.enrolledAt || member.backupDeclinedAt || member.backupAt) return undefined;
  return addLocalDays(new Date(member.enrolledAt), member.timeZone, days);
}

/**
 * Why a backup nudge due now is not sent (the words the outbox log keeps), or undefined to send it. Goes by the
 * member row only: whether they have a second method was settled off the send path (the day's report, the wave's
 * live check of the unclear cases, their own status check), so a send never waits on Graph's reports bucket.
 */
export function backupNotWanted(member: CampaignMember): string | undefined {
  if (member.state !== 'enrolled') return `the person has ${member.state}`;
  if (member.backupDeclinedAt) return 'the person said no thanks to a backup';
  if (member.backupAt) return 'the person has a backup';
  return undefined;
}

/** When their next backup nudge is planned for (before working hours move it); undefined when none is left. */
export function nextBackupAt(member: CampaignMember): Date | undefined {
  return member.state === 'enrolled' ? plannedBackupAt(member, member.backupNudges ?? 0) : undefined;
}

/**
 * The report names kinds of method, not devices: one kind may be two passkeys (two phones, two keys). For the people
 * whose next backup nudge is planned within a day of the wave and whose report row could not tell, their methods are
 * read live, one at a time through the directory's limiter (Graph's reports bucket), after the wave's reminders are
 * queued, `BACKUP_READS_PER_WAVE` at most. Two or more: noted (`backupAt`), and the nudge stands down at delivery. A
 * read that fails leaves the nudge as planned. Says how many were read and how many had a backup.
 */
export async function confirmBackups(ctx: CampaignContext, campaignId: string, userIds: readonly string[], now: Date, signal?: AbortSignal): Promise<{ checked: number; backedUp: number }> {
  const directory = ctx.deps.directory;
  if (!directory) return { checked: 0, backedUp: 0 };
  const checked = userIds.slice(0, BACKUP_READS_PER_WAVE);
  let backedUp = 0;
  for (const userId of checked) {
    signal?.throwIfAborted();
    let strong: number;
    try {
      strong = passkeyStatus(await directory.authenticationMethods(userId)).strong.length;
    } catch (error) {
      ctx.deps.logger.warn("could not read a person's sign-in methods before their backup nudge; nudging as planned", { error });
      continue;
    }
    if (strong < 2) continue;
    const noted = await ctx.records.updateMember(campaignId, userId, (member) => (member.backupAt || member.state !== 'enrolled' ? undefined : { ...member, backupAt: now.toISOString() }));
    if (noted) backedUp += 1;
  }
  return { checked: checked.length, backedUp };
}

/** A backup nudge reached the person: counted (once per local day), and the next one queued if one is left. */
export async function afterBackupSent(ctx: CampaignContext, campaign: Campaign, userId: string, step: string, sentAt: Date): Promise<void> {
  const updated = await ctx.records.updateMember(campaign.id, userId, (member) => {
    const sentDate = localParts(sentAt, member.timeZone).dateKey;
    if (member.lastNudgeLocalDate === sentDate) return undefined;
    return { ...member, backupNudges: (member.backupNudges ?? 0) + 1, lastNudgeLocalDate: sentDate };
  });
  // Queued again after a repeated settle, it is the same outbox row (the step names it): queued once.
  const member = updated?.value ?? (await ctx.records.member(campaign.id, userId))?.value;
  const sent = Number(step.slice(STEP_PREFIX.length));
  if (member && Number.isInteger(sent)) await queueBackupNudge(ctx, campaign, member, sent);
}

export interface BackupAnswer {
  ok: boolean;
  message: string;
}

/** "No thanks" to a second way to sign in: recorded on their row, no escalation, no more backup nudges. */
export async function declineBackup(ctx: CampaignContext, userId: string, campaignId: string, locale: string, now = new Date()): Promise<BackupAnswer> {
  const say = (key: string) => ctx.deps.cards.strings.text(locale, `campaigns.nudge.backup.${key}`);
  const updated = await ctx.records.updateMember(campaignId, userId, (member) =>
    member.state !== 'enrolled' || member.backupDeclinedAt ? undefined : { ...member, backupDeclinedAt: now.toISOString() },
  );
  if (updated) return { ok: true, message: say('declined') };
  const member = (await ctx.records.member(campaignId, userId))?.value;
  return member?.backupDeclinedAt ? { ok: true, message: say('declined') } : { ok: false, message: say('nothing') };
}
